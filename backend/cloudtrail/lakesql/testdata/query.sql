SELECT
  split_part(CASE WHEN userIdentity.type IN ('AssumedRole', 'FederatedUser') THEN userIdentity.sessionContext.sessionIssuer.arn ELSE userIdentity.arn END, ':', 5) AS account,
  CASE
      WHEN userIdentity.type = 'IAMUser' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:user/.') THEN userIdentity.arn
      WHEN userIdentity.type = 'Root' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:root$') THEN userIdentity.arn
      WHEN userIdentity.type = 'AssumedRole' AND userIdentity.sessionContext.sessionIssuer.type = 'Role' AND regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:role/.') THEN userIdentity.sessionContext.sessionIssuer.arn
      WHEN userIdentity.type = 'FederatedUser' AND (regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:user/.') OR regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:root$')) THEN userIdentity.sessionContext.sessionIssuer.arn
      WHEN userIdentity.type = 'Role' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:role/.') THEN userIdentity.arn
    END AS principal,
  COALESCE(eventSource, '') AS event_source,
  COALESCE(eventName, '') AS event_name,
  CASE
      WHEN COALESCE(errorCode, '') = '' THEN 'ok'
      WHEN errorCode LIKE '%AccessDenied%' OR errorCode LIKE '%Unauthorized%' THEN 'denied'
      ELSE 'error'
    END AS outcome,
  count(DISTINCT NULLIF(eventID, '')) + sum(CASE WHEN COALESCE(eventID, '') = '' THEN 1 ELSE 0 END) AS calls,
  date_format(min(eventTime), '%Y-%m-%dT%H:%i:%sZ') AS first_seen,
  date_format(max(eventTime), '%Y-%m-%dT%H:%i:%sZ') AS last_seen,
  max(CASE WHEN CASE
      WHEN COALESCE(eventCategory, '') <> '' THEN eventCategory = 'Data'
      ELSE COALESCE(managementEvent = false, false)
    END THEN 1 ELSE 0 END) AS data_event,
  transform(ARRAY[array_agg(DISTINCT array_sort(array_distinct(filter(
    COALESCE(transform(resources, r -> CASE
      WHEN regexp_like(r.ARN, '^arn:[^:]*:s3:::[^/]+/') AND NOT regexp_like(regexp_extract(r.ARN, '^(arn:[^:]*:s3:::[^/]+)/', 1), '[*? \t\n]') THEN regexp_extract(r.ARN, '^(arn:[^:]*:s3:::[^/]+)/', 1) || '/*'
      WHEN (r.ARN LIKE 'arn:%' AND NOT regexp_like(r.ARN, '[*? \t\n]')) THEN r.ARN
    END), ARRAY[CAST(NULL AS VARCHAR)])
    || ARRAY[CASE eventSource
      WHEN 's3.amazonaws.com' THEN CASE WHEN (element_at(requestParameters, 'bucketName') <> '' AND NOT regexp_like(element_at(requestParameters, 'bucketName'), '[*? \t\n]')) AND strpos(element_at(requestParameters, 'bucketName'), '/') = 0
        THEN 'arn:' || split_part(CASE WHEN userIdentity.type IN ('AssumedRole', 'FederatedUser') THEN userIdentity.sessionContext.sessionIssuer.arn ELSE userIdentity.arn END, ':', 2) || ':s3:::' || element_at(requestParameters, 'bucketName') || CASE WHEN COALESCE(element_at(requestParameters, 'key'), '') <> '' THEN '/*' ELSE '' END END
      WHEN 'sqs.amazonaws.com' THEN CASE WHEN regexp_like(element_at(requestParameters, 'queueUrl'), '^https://[^/]*/[0-9]{12}/[^/?* \t\n]+$')
        THEN 'arn:' || split_part(CASE WHEN userIdentity.type IN ('AssumedRole', 'FederatedUser') THEN userIdentity.sessionContext.sessionIssuer.arn ELSE userIdentity.arn END, ':', 2) || ':sqs:' || CASE
          WHEN regexp_like(regexp_extract(element_at(requestParameters, 'queueUrl'), '^https://([^/]*)/', 1), '^sqs\.[^.]*\.[^.]*\.') THEN split_part(regexp_extract(element_at(requestParameters, 'queueUrl'), '^https://([^/]*)/', 1), '.', 2)
          WHEN regexp_like(regexp_extract(element_at(requestParameters, 'queueUrl'), '^https://([^/]*)/', 1), '^[^.]*\.queue\.[^.]*\.') THEN split_part(regexp_extract(element_at(requestParameters, 'queueUrl'), '^https://([^/]*)/', 1), '.', 1)
          ELSE COALESCE(awsRegion, '')
        END || ':' || regexp_extract(element_at(requestParameters, 'queueUrl'), '^https://[^/]*/([0-9]{12})/', 1) || ':' || regexp_extract(element_at(requestParameters, 'queueUrl'), '^https://[^/]*/[0-9]{12}/(.*)', 1) END
      WHEN 'dynamodb.amazonaws.com' THEN CASE WHEN (element_at(requestParameters, 'tableName') LIKE 'arn:%' AND NOT regexp_like(element_at(requestParameters, 'tableName'), '[*? \t\n]')) THEN element_at(requestParameters, 'tableName')
        WHEN (element_at(requestParameters, 'tableName') <> '' AND NOT regexp_like(element_at(requestParameters, 'tableName'), '[*? \t\n]')) AND regexp_like(recipientAccountId, '^[0-9]{12}$') AND COALESCE(awsRegion, '') <> '' THEN 'arn:' || split_part(CASE WHEN userIdentity.type IN ('AssumedRole', 'FederatedUser') THEN userIdentity.sessionContext.sessionIssuer.arn ELSE userIdentity.arn END, ':', 2) || ':dynamodb:' || awsRegion || ':' || recipientAccountId || ':table/' || element_at(requestParameters, 'tableName') END
      WHEN 'lambda.amazonaws.com' THEN CASE WHEN (element_at(requestParameters, 'functionName') LIKE 'arn:%' AND NOT regexp_like(element_at(requestParameters, 'functionName'), '[*? \t\n]')) THEN element_at(requestParameters, 'functionName')
        WHEN (element_at(requestParameters, 'functionName') <> '' AND NOT regexp_like(element_at(requestParameters, 'functionName'), '[*? \t\n]')) AND regexp_like(recipientAccountId, '^[0-9]{12}$') AND COALESCE(awsRegion, '') <> '' AND NOT regexp_like(element_at(requestParameters, 'functionName'), ':[^:]*:') THEN 'arn:' || split_part(CASE WHEN userIdentity.type IN ('AssumedRole', 'FederatedUser') THEN userIdentity.sessionContext.sessionIssuer.arn ELSE userIdentity.arn END, ':', 2) || ':lambda:' || awsRegion || ':' || recipientAccountId || ':function:' || element_at(requestParameters, 'functionName') END
      WHEN 'sts.amazonaws.com' THEN CASE WHEN (element_at(requestParameters, 'roleArn') LIKE 'arn:%' AND NOT regexp_like(element_at(requestParameters, 'roleArn'), '[*? \t\n]')) THEN element_at(requestParameters, 'roleArn') END
      WHEN 'sns.amazonaws.com' THEN CASE WHEN (element_at(requestParameters, 'topicArn') LIKE 'arn:%' AND NOT regexp_like(element_at(requestParameters, 'topicArn'), '[*? \t\n]')) THEN element_at(requestParameters, 'topicArn') END
      WHEN 'secretsmanager.amazonaws.com' THEN CASE WHEN (element_at(requestParameters, 'secretId') LIKE 'arn:%' AND NOT regexp_like(element_at(requestParameters, 'secretId'), '[*? \t\n]')) THEN element_at(requestParameters, 'secretId') END
    END],
    x -> x IS NOT NULL))))], s -> CASE WHEN cardinality(s) <= 32 THEN json_format(CAST(s AS JSON)) END)[1] AS resource_sets
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2025-06-01 00:00:00' AND eventTime < '2025-06-03 00:00:00'
  AND recipientAccountId IN ('111122223333', '444455556666')
  AND awsRegion IN ('us-east-1', 'eu-west-1')
  AND COALESCE(eventType, '') IN ('', 'AwsApiCall', 'AwsConsoleAction') AND COALESCE(eventCategory, '') <> 'Insight'
  AND CASE
      WHEN userIdentity.type = 'IAMUser' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:user/.') THEN userIdentity.arn
      WHEN userIdentity.type = 'Root' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:root$') THEN userIdentity.arn
      WHEN userIdentity.type = 'AssumedRole' AND userIdentity.sessionContext.sessionIssuer.type = 'Role' AND regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:role/.') THEN userIdentity.sessionContext.sessionIssuer.arn
      WHEN userIdentity.type = 'FederatedUser' AND (regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:user/.') OR regexp_like(userIdentity.sessionContext.sessionIssuer.arn, '^arn:[^:]*:iam::[0-9]{12}:root$')) THEN userIdentity.sessionContext.sessionIssuer.arn
      WHEN userIdentity.type = 'Role' AND regexp_like(userIdentity.arn, '^arn:[^:]*:iam::[0-9]{12}:role/.') THEN userIdentity.arn
    END IS NOT NULL
GROUP BY 1, 2, 3, 4, 5
ORDER BY 2, 3, 4, 5
