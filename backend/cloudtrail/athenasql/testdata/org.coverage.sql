-- Aegis IAM log coverage for 2025-06-01T00:00:00Z..2025-08-30T00:00:00Z (see backend/cloudtrail/athenasql).
SELECT
  accountid AS account,
  region AS region,
  dt AS day,
  count(DISTINCT "$path") AS files,
  count(*) AS events,
  sum(CASE WHEN CASE
      WHEN COALESCE(eventCategory, '') <> '' THEN eventCategory = 'Data'
      ELSE COALESCE(managementEvent = false, false)
    END THEN 1 ELSE 0 END) AS data_events
FROM "default"."aegis_cloudtrail"
WHERE dt BETWEEN '2025/05/31' AND '2025/08/30'
  AND accountid IN ('111122223333')
  AND region IN ('eu-west-1')
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3