SELECT
  recipientAccountId AS account,
  awsRegion AS region,
  date_format(eventTime, '%Y/%m/%d') AS day,
  1 AS files,
  count(*) AS events,
  sum(CASE WHEN CASE
      WHEN COALESCE(eventCategory, '') <> '' THEN eventCategory = 'Data'
      ELSE COALESCE(managementEvent = false, false)
    END THEN 1 ELSE 0 END) AS data_events
FROM EXAMPLE-f852-4e8f-8bd1-bcf6cEXAMPLE
WHERE eventTime >= '2025-06-01 00:00:00' AND eventTime < '2025-06-03 00:00:00'
  AND recipientAccountId IN ('111122223333', '444455556666')
  AND awsRegion IN ('us-east-1', 'eu-west-1')
  AND recipientAccountId IS NOT NULL AND awsRegion IS NOT NULL
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3
