-- title: 新发现吸毒人员（按毒品、年龄组） / New users by drug and age group
-- description: Persons first found in the year, by primary drug and age group at first finding
-- description: (the new_users metric, attributed to first_found_region). Reads the persons
-- description: table only, so it answers in about a second on national data.
-- param: year integer default $year "年份 / year"
-- param: region text default "" "区划代码前缀 / region code prefix of the first-found region"
SELECT primary_drug,
       CASE WHEN age < 18 THEN '<18'
            WHEN age <= 35 THEN '18-35'
            WHEN age <= 59 THEN '36-59'
            ELSE '60+' END AS age_group,
       COUNT(*) AS n
FROM (
  SELECT primary_drug,
         -- whole years at first finding, rising on the birthday (29 Feb: on 1 Mar);
         -- DATE_PART gives small integers, so they are widened before arithmetic
         DATE_PART('year', first_found_date) - DATE_PART('year', birth_date)
           - CASE WHEN CAST(DATE_PART('month', first_found_date) AS INTEGER) * 100
                          + CAST(DATE_PART('day', first_found_date) AS INTEGER)
                     < CAST(DATE_PART('month', birth_date) AS INTEGER) * 100
                          + CAST(DATE_PART('day', birth_date) AS INTEGER)
                  THEN 1 ELSE 0 END AS age
  FROM persons
  WHERE DATE_PART('year', first_found_date) = {year}
    AND STARTS_WITH(first_found_region, {region})
) t
GROUP BY primary_drug, age_group
ORDER BY primary_drug, age_group
