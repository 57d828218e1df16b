-- title: 社区戒毒康复结束情况 / How community measures ended
-- description: Community measures that ended in the year, by county and end reason.
-- param: year integer default $year "年份 / year"
-- param: region text default "" "区划代码前缀 / region code prefix of the measure"
SELECT SUBSTR(region, 1, 6) AS county, end_reason, COUNT(*) AS n
FROM measures
WHERE measure_type IN ('community_detox', 'community_rehab')
  AND end_date IS NOT NULL
  AND DATE_PART('year', end_date) = {year}
  AND STARTS_WITH(region, {region})
GROUP BY SUBSTR(region, 1, 6), end_reason
ORDER BY county, end_reason
