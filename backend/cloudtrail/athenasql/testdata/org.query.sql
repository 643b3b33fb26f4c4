-- Aegis IAM usage rows for 2025-06-01T00:00:00Z..2025-08-30T00:00:00Z (see backend/cloudtrail/athenasql).
WITH events AS (
  SELECT
    eventID AS event_id,
    eventTime AS event_time,
    eventSource AS event_source,
    eventName AS event_name,
    CASE
      WHEN userIdentity.type = 'IAMUser' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:user/.') THEN userIdentity.arn
      WHEN userIdentity.type = 'Root' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:root$') THEN userIdentity.arn
      WHEN userIdentity.type = 'AssumedRole' AND userIdentity.sessionContext.sessionIssuer.type = 'Role' AND regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:role/.') THEN userIdentity.sessionContext.sessionIssuer.arn
      WHEN userIdentity.type = 'FederatedUser' AND (regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:user/.') OR regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:root$')) THEN userIdentity.sessionContext.sessionIssuer.arn
      WHEN userIdentity.type = 'Role' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:role/.') THEN userIdentity.arn
    END AS principal,
    CASE
      WHEN COALESCE(errorCode, '') = '' THEN 'ok'
      WHEN errorCode LIKE '%AccessDenied%' OR errorCode LIKE '%Unauthorized%' THEN 'denied'
      ELSE 'error'
    END AS outcome,
    CASE
      WHEN COALESCE(eventCategory, '') <> '' THEN eventCategory = 'Data'
      ELSE COALESCE(managementEvent = false, false)
    END AS data_event,
    resources AS resource_list,
    requestParameters AS request_parameters,
    awsRegion AS aws_region,
    recipientAccountId AS recipient
  FROM "default"."aegis_cloudtrail"
  WHERE dt BETWEEN '2025/05/31' AND '2025/08/30'
    AND region IN ('eu-west-1')
    AND eventTime >= '2025-06-01T00:00:00Z' AND eventTime < '2025-08-30T00:00:00Z'
    AND regexp_like(eventTime, '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$')
    AND COALESCE(eventType, '') IN ('', 'AwsApiCall', 'AwsConsoleAction') AND COALESCE(eventCategory, '') <> 'Insight'
),
once AS (
  SELECT *, row_number() OVER (PARTITION BY event_id) AS nth
  FROM events
),
calls AS (
  SELECT
    principal,
    event_source,
    event_name,
    outcome,
    event_time,
    data_event,
    resource_list,
    aws_region,
    recipient,
    CASE WHEN json_format(json_extract(request_parameters, '$.bucketName')) LIKE '"%' OR json_format(json_extract(request_parameters, '$.bucketName')) IN ('true', 'false') THEN json_extract_scalar(request_parameters, '$.bucketName') END AS p_bucket,
    CASE WHEN json_format(json_extract(request_parameters, '$.key')) LIKE '"%' OR json_format(json_extract(request_parameters, '$.key')) IN ('true', 'false') THEN json_extract_scalar(request_parameters, '$.key') END AS p_key,
    CASE WHEN json_format(json_extract(request_parameters, '$.queueUrl')) LIKE '"%' OR json_format(json_extract(request_parameters, '$.queueUrl')) IN ('true', 'false') THEN json_extract_scalar(request_parameters, '$.queueUrl') END AS p_queue_url,
    CASE WHEN json_format(json_extract(request_parameters, '$.tableName')) LIKE '"%' OR json_format(json_extract(request_parameters, '$.tableName')) IN ('true', 'false') THEN json_extract_scalar(request_parameters, '$.tableName') END AS p_table,
    CASE WHEN json_format(json_extract(request_parameters, '$.functionName')) LIKE '"%' OR json_format(json_extract(request_parameters, '$.functionName')) IN ('true', 'false') THEN json_extract_scalar(request_parameters, '$.functionName') END AS p_function,
    CASE WHEN json_format(json_extract(request_parameters, '$.roleArn')) LIKE '"%' OR json_format(json_extract(request_parameters, '$.roleArn')) IN ('true', 'false') THEN json_extract_scalar(request_parameters, '$.roleArn') END AS p_role_arn,
    CASE WHEN json_format(json_extract(request_parameters, '$.topicArn')) LIKE '"%' OR json_format(json_extract(request_parameters, '$.topicArn')) IN ('true', 'false') THEN json_extract_scalar(request_parameters, '$.topicArn') END AS p_topic_arn,
    CASE WHEN json_format(json_extract(request_parameters, '$.secretId')) LIKE '"%' OR json_format(json_extract(request_parameters, '$.secretId')) IN ('true', 'false') THEN json_extract_scalar(request_parameters, '$.secretId') END AS p_secret_id
  FROM once
  WHERE principal IS NOT NULL AND (nth = 1 OR COALESCE(event_id, '') = '')
),
sets AS (
  SELECT
    principal,
    event_source,
    event_name,
    outcome,
    array_sort(array_distinct(filter(
      COALESCE(transform(resource_list, r -> CASE
        WHEN regexp_like(r.ARN, '^arn:[^:]*:s3:::[^/]+/') AND NOT regexp_like(regexp_extract(r.ARN, '^(arn:[^:]*:s3:::[^/]+)/', 1), '[*? \t\n]') THEN regexp_extract(r.ARN, '^(arn:[^:]*:s3:::[^/]+)/', 1) || '/*'
        WHEN (r.ARN LIKE 'arn:%' AND NOT regexp_like(r.ARN, '[*? \t\n]')) THEN r.ARN
      END), ARRAY[CAST(NULL AS VARCHAR)])
      || ARRAY[CASE event_source
        WHEN 's3.amazonaws.com' THEN CASE WHEN (p_bucket <> '' AND NOT regexp_like(p_bucket, '[*? \t\n]')) AND strpos(p_bucket, '/') = 0
          THEN 'arn:' || split_part(principal, ':', 2) || ':s3:::' || p_bucket || CASE WHEN COALESCE(p_key, '') <> '' THEN '/*' ELSE '' END END
        WHEN 'sqs.amazonaws.com' THEN CASE WHEN regexp_like(p_queue_url, '^https://[^/]*/[0-9]{12}/[^/?* \t\n]+$')
          THEN 'arn:' || split_part(principal, ':', 2) || ':sqs:' || CASE
            WHEN regexp_like(regexp_extract(p_queue_url, '^https://([^/]*)/', 1), '^sqs\.[^.]*\.[^.]*\.') THEN split_part(regexp_extract(p_queue_url, '^https://([^/]*)/', 1), '.', 2)
            WHEN regexp_like(regexp_extract(p_queue_url, '^https://([^/]*)/', 1), '^[^.]*\.queue\.[^.]*\.') THEN split_part(regexp_extract(p_queue_url, '^https://([^/]*)/', 1), '.', 1)
            ELSE COALESCE(aws_region, '')
          END || ':' || regexp_extract(p_queue_url, '^https://[^/]*/([0-9]{12})/', 1) || ':' || regexp_extract(p_queue_url, '^https://[^/]*/[0-9]{12}/(.*)', 1) END
        WHEN 'dynamodb.amazonaws.com' THEN CASE WHEN (p_table LIKE 'arn:%' AND NOT regexp_like(p_table, '[*? \t\n]')) THEN p_table
          WHEN (p_table <> '' AND NOT regexp_like(p_table, '[*? \t\n]')) AND regexp_like(recipient, '^[0-9]{12}$') AND COALESCE(aws_region, '') <> '' THEN 'arn:' || split_part(principal, ':', 2) || ':dynamodb:' || aws_region || ':' || recipient || ':table/' || p_table END
        WHEN 'lambda.amazonaws.com' THEN CASE WHEN (p_function LIKE 'arn:%' AND NOT regexp_like(p_function, '[*? \t\n]')) THEN p_function
          WHEN (p_function <> '' AND NOT regexp_like(p_function, '[*? \t\n]')) AND regexp_like(recipient, '^[0-9]{12}$') AND COALESCE(aws_region, '') <> '' AND NOT regexp_like(p_function, ':[^:]*:') THEN 'arn:' || split_part(principal, ':', 2) || ':lambda:' || aws_region || ':' || recipient || ':function:' || p_function END
        WHEN 'sts.amazonaws.com' THEN CASE WHEN (p_role_arn LIKE 'arn:%' AND NOT regexp_like(p_role_arn, '[*? \t\n]')) THEN p_role_arn END
        WHEN 'sns.amazonaws.com' THEN CASE WHEN (p_topic_arn LIKE 'arn:%' AND NOT regexp_like(p_topic_arn, '[*? \t\n]')) THEN p_topic_arn END
        WHEN 'secretsmanager.amazonaws.com' THEN CASE WHEN (p_secret_id LIKE 'arn:%' AND NOT regexp_like(p_secret_id, '[*? \t\n]')) THEN p_secret_id END
      END],
      x -> x IS NOT NULL))) AS resource_arns,
    count(*) AS calls,
    min(event_time) AS first_seen,
    max(event_time) AS last_seen,
    max(CASE WHEN data_event THEN 1 ELSE 0 END) AS data_event
  FROM calls
  GROUP BY 1, 2, 3, 4, 5
)
SELECT
  split_part(principal, ':', 5) AS account,
  principal,
  event_source,
  event_name,
  outcome,
  sum(calls) AS calls,
  min(first_seen) AS first_seen,
  max(last_seen) AS last_seen,
  max(data_event) AS data_event,
  CASE WHEN count(*) <= 32 THEN json_format(CAST(array_agg(resource_arns) AS JSON)) END AS resource_sets
FROM sets
GROUP BY 1, 2, 3, 4, 5
ORDER BY 2, 3, 4, 5