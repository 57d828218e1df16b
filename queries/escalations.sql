-- title: 转强制隔离戒毒（按原因） / Escalations by reason
-- description: Community measures that ended as escalated (转强制隔离戒毒) in the year, by county
-- description: and the recorded reason: relapse (a detection or positive test during the measure),
-- description: refused_test (a refused test during the measure, no relapse), or other.
-- param: year integer default $year "年份 / year"
-- param: region text default "" "区划代码前缀 / region code prefix of the measure"
WITH e AS (
  SELECT measure_id, person_id, region, decision_date, end_date
  FROM measures
  WHERE measure_type IN ('community_detox', 'community_rehab')
    AND end_reason = 'escalated'
    AND DATE_PART('year', end_date) = {year}
    AND STARTS_WITH(region, {region})
),
uses AS (
  SELECT person_id, date FROM detections
  UNION ALL
  SELECT person_id, date FROM tests WHERE result = 'positive'
),
relapse AS (
  SELECT e.measure_id, COUNT(*) AS k
  FROM e JOIN uses u ON u.person_id = e.person_id
  WHERE u.date >= e.decision_date AND u.date <= e.end_date
  GROUP BY e.measure_id
),
refused AS (
  SELECT e.measure_id, COUNT(*) AS k
  FROM e JOIN tests t ON t.person_id = e.person_id
  WHERE t.result = 'refused' AND t.date >= e.decision_date AND t.date <= e.end_date
  GROUP BY e.measure_id
),
classified AS (
  SELECT
    SUBSTR(e.region, 1, 6) AS county,
    CASE
      WHEN rl.k IS NOT NULL THEN 'relapse'
      WHEN rf.k IS NOT NULL THEN 'refused_test'
      ELSE 'other'
    END AS reason
  FROM e
  LEFT JOIN relapse rl ON rl.measure_id = e.measure_id
  LEFT JOIN refused rf ON rf.measure_id = e.measure_id
)
SELECT c.county, r.name AS county_name, c.reason, COUNT(*) AS n
FROM classified c
LEFT JOIN regions r ON r.code = c.county
GROUP BY c.county, r.name, c.reason
ORDER BY c.county, c.reason
