-- title: 年度存量流转 / Yearly stock flow (registered → existing → abstinent)
-- description: Per year at its reference date D: persons registered, new in the year, existing,
-- description: abstinent three years, gone (dead or departed) and under a community measure; the
-- description: counts of jindu metrics, summed over the counties inside the region.
-- param: region text default "" "区划代码前缀 / region code prefix (county level or coarser)"
SELECT
  year,
  as_of,
  partial,
  SUM(registered) AS registered,
  SUM(new_users) AS new_users,
  SUM(existing) AS existing,
  SUM(abstinent_3y) AS abstinent_3y,
  SUM(gone) AS gone,
  SUM(under_community_measure) AS under_community_measure
FROM stock_flow
WHERE STARTS_WITH(county, {region})
GROUP BY year, as_of, partial
ORDER BY year
