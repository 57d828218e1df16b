//! The sample's geography and the allocation of persons to (year, county) cells.
//!
//! Ningxia: the province, 5 cities and 22 counties of `reference/regions-ningxia.csv`
//! (embedded below), each with 8–13 generated townships (9-digit codes: county code +
//! `0xx` for 街道 of city districts, `1xx` for 镇, `2xx` for 乡), including the named
//! places of the published reports (豫海镇, 韦州镇, 兴仁镇, 滨河镇, 兴泾镇, 上桥镇).
//! Township names other than those are generated and fictitious.
//!
//! National scale adds the other 30 provinces under their real GB/T 2260 province codes
//! and names, with generated cities, counties and townships (fictitious names and codes
//! below the province; their sizes follow a rough weight per province).
//!
//! The geography does not depend on the user's seed: the same version always writes the
//! same region table.

use super::rng::{Rng, domain};

/// The Ningxia rows of `reference/regions-ningxia.csv`: code, name, level, parent, and the
/// sample's relative weight of drug users (counties only; 同心县 is a heavy county).
const NINGXIA: &[(u32, &str, Level, f64)] = &[
    (640000, "宁夏回族自治区", Level::Province, 0.0),
    (640100, "银川市", Level::City, 0.0),
    (640104, "兴庆区", Level::County, 8.0),
    (640105, "西夏区", Level::County, 5.0),
    (640106, "金凤区", Level::County, 4.0),
    (640121, "永宁县", Level::County, 3.0),
    (640122, "贺兰县", Level::County, 3.0),
    (640181, "灵武市", Level::County, 3.0),
    (640200, "石嘴山市", Level::City, 0.0),
    (640202, "大武口区", Level::County, 3.0),
    (640205, "惠农区", Level::County, 2.5),
    (640221, "平罗县", Level::County, 3.0),
    (640300, "吴忠市", Level::City, 0.0),
    (640302, "利通区", Level::County, 5.0),
    (640303, "红寺堡区", Level::County, 2.0),
    (640323, "盐池县", Level::County, 1.5),
    (640324, "同心县", Level::County, 12.0),
    (640381, "青铜峡市", Level::County, 3.0),
    (640400, "固原市", Level::City, 0.0),
    (640402, "原州区", Level::County, 6.0),
    (640422, "西吉县", Level::County, 5.0),
    (640423, "隆德县", Level::County, 1.5),
    (640424, "泾源县", Level::County, 1.5),
    (640425, "彭阳县", Level::County, 2.0),
    (640500, "中卫市", Level::City, 0.0),
    (640502, "沙坡头区", Level::County, 5.0),
    (640521, "中宁县", Level::County, 4.0),
    (640522, "海原县", Level::County, 5.0),
];

/// Townships named in the published reports, with the codes the sample gives them.
const NAMED_TOWNSHIPS: &[(u32, &str)] = &[
    (640324100, "豫海镇"),
    (640324101, "韦州镇"),
    (640502100, "滨河镇"),
    (640502101, "兴仁镇"),
    (640105100, "兴泾镇"),
    (640302100, "上桥镇"),
    (640402100, "三营镇"),
];

pub const TONGXIN: u32 = 640324;
pub const BINHE: u32 = 640502100;
pub const XINGREN: u32 = 640502101;
pub const SHAPOTOU: u32 = 640502;

/// The other provinces (real codes and names) and a rough relative size.
const PROVINCES: &[(u32, &str, f64)] = &[
    (110000, "北京市", 2.0),
    (120000, "天津市", 1.5),
    (130000, "河北省", 5.0),
    (140000, "山西省", 3.0),
    (150000, "内蒙古自治区", 2.5),
    (210000, "辽宁省", 3.5),
    (220000, "吉林省", 2.0),
    (230000, "黑龙江省", 2.5),
    (310000, "上海市", 2.5),
    (320000, "江苏省", 6.0),
    (330000, "浙江省", 6.0),
    (340000, "安徽省", 4.0),
    (350000, "福建省", 4.0),
    (360000, "江西省", 3.0),
    (370000, "山东省", 6.0),
    (410000, "河南省", 6.0),
    (420000, "湖北省", 4.5),
    (430000, "湖南省", 5.0),
    (440000, "广东省", 10.0),
    (450000, "广西壮族自治区", 5.0),
    (460000, "海南省", 1.5),
    (500000, "重庆市", 4.0),
    (510000, "四川省", 7.0),
    (520000, "贵州省", 4.0),
    (530000, "云南省", 8.0),
    (540000, "西藏自治区", 0.5),
    (610000, "陕西省", 3.5),
    (620000, "甘肃省", 3.0),
    (630000, "青海省", 1.0),
    (650000, "新疆维吾尔自治区", 3.0),
];

const NAME_HEAD: &[&str] = &[
    "红", "新", "东", "西", "南", "北", "高", "大", "小", "马", "王", "李", "张", "杨", "沙", "石",
    "金", "银", "黄", "青", "白", "三", "河", "安", "宁", "丰", "平", "兴", "永", "泉", "柳", "梁",
    "田", "长", "古", "龙", "凤", "双", "太", "富", "明", "中", "惠", "通", "清", "临", "景", "乐",
];
const NAME_TAIL: &[&str] = &[
    "庄", "川", "湖", "山", "塘", "营", "堡", "渠", "滩", "口", "桥", "沟", "台", "原", "坪", "泉",
    "园", "店", "寨", "湾", "峰", "水", "城", "关", "集", "岗", "阳", "林", "州", "源",
];
const STREETS: &[&str] = &[
    "文化街道",
    "胜利街道",
    "解放街道",
    "新华街道",
    "人民街道",
    "朝阳街道",
    "富宁街道",
    "长城街道",
];

pub use crate::regions::Level;

#[derive(Debug, Clone)]
pub struct RegionRow {
    pub code: u32,
    pub name: String,
    pub level: Level,
    pub parent: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct County {
    pub code: u32,
    pub weight: f64,
    /// Index into `Geography::areas`.
    pub area: usize,
    /// Indices into `Geography::townships`.
    pub townships: std::ops::Range<usize>,
    /// Persons first found here (set by [`allocate`]).
    pub expected: f64,
}

#[derive(Debug, Clone)]
pub struct Township {
    pub code: u32,
    pub weight: f64,
    pub county: usize,
}

/// A province as an allocation unit: its counties and its share of persons.
#[derive(Debug, Clone)]
pub struct Area {
    pub code: u32,
    pub counties: std::ops::Range<usize>,
    /// Relative share of the persons outside Ningxia.
    pub weight: f64,
    /// Multiplier on the Ningxia base curve of new users (set by [`allocate`]).
    pub factor: f64,
}

#[derive(Debug, Clone)]
pub struct Geography {
    pub rows: Vec<RegionRow>,
    pub areas: Vec<Area>,
    pub counties: Vec<County>,
    pub townships: Vec<Township>,
}

impl Geography {
    /// Ningxia only, or Ningxia plus the other provinces.
    pub fn build(national: bool) -> Geography {
        let mut g = Geography {
            rows: Vec::new(),
            areas: Vec::new(),
            counties: Vec::new(),
            townships: Vec::new(),
        };
        // Ningxia
        let first = g.counties.len();
        for &(code, name, level, weight) in NINGXIA {
            let parent = match level {
                Level::Province => None,
                Level::City => Some(code / 10_000 * 10_000),
                _ => Some(code / 100 * 100),
            };
            g.rows.push(RegionRow {
                code,
                name: name.to_string(),
                level,
                parent,
            });
            if level == Level::County {
                g.add_county(code, name, weight, 0);
            }
        }
        g.areas.push(Area {
            code: 640000,
            counties: first..g.counties.len(),
            weight: 0.0,
            factor: 1.0,
        });
        if national {
            for (i, &(pcode, pname, pweight)) in PROVINCES.iter().enumerate() {
                g.add_province(pcode, pname, pweight, i + 1);
            }
        }
        g.rows.sort_by_key(|r| (pad9(r.code), r.level));
        g
    }

    fn add_county(&mut self, code: u32, name: &str, weight: f64, area: usize) {
        let mut rng = Rng::stream(0, domain::REGIONS, code as u64);
        let start = self.townships.len();
        let county_idx = self.counties.len();
        let is_district = name.ends_with('区');
        let mut used: Vec<String> = Vec::new();
        let push =
            |g: &mut Geography, tcode: u32, tname: String, w: f64, used: &mut Vec<String>| {
                used.push(tname.clone());
                g.rows.push(RegionRow {
                    code: tcode,
                    name: tname,
                    level: Level::Township,
                    parent: Some(code),
                });
                g.townships.push(Township {
                    code: tcode,
                    weight: w,
                    county: county_idx,
                });
            };
        if is_district {
            let n = 2 + rng.below(3) as usize;
            let off = rng.below(STREETS.len() as u64) as usize;
            for k in 0..n {
                let nm = STREETS[(off + k) % STREETS.len()].to_string();
                push(
                    self,
                    code * 1000 + 1 + k as u32,
                    nm,
                    2.0 + rng.below(3) as f64,
                    &mut used,
                );
            }
        }
        let mut next_town = 100;
        for &(tcode, tname) in NAMED_TOWNSHIPS.iter().filter(|(t, _)| t / 1000 == code) {
            push(self, tcode, tname.to_string(), 4.0, &mut used);
            next_town = next_town.max(tcode % 1000 + 1);
        }
        let n_town = 4 + rng.below(5) as u32;
        let n_xiang = if is_district {
            rng.below(2) as u32
        } else {
            2 + rng.below(4) as u32
        };
        let fresh = |rng: &mut Rng, used: &Vec<String>, suffix: &str| loop {
            let h = NAME_HEAD[rng.below(NAME_HEAD.len() as u64) as usize];
            let t = NAME_TAIL[rng.below(NAME_TAIL.len() as u64) as usize];
            let nm = format!("{h}{t}{suffix}");
            if !used.contains(&nm) {
                break nm;
            }
        };
        let have_town = self.townships.len() - start;
        for _ in have_town.min(n_town as usize) as u32..n_town {
            let nm = fresh(&mut rng, &used, "镇");
            push(
                self,
                code * 1000 + next_town,
                nm,
                1.0 + rng.below(3) as f64,
                &mut used,
            );
            next_town += 1;
        }
        for k in 0..n_xiang {
            let nm = fresh(&mut rng, &used, "乡");
            push(
                self,
                code * 1000 + 200 + k,
                nm,
                1.0 + rng.below(2) as f64,
                &mut used,
            );
        }
        self.counties.push(County {
            code,
            weight,
            area,
            townships: start..self.townships.len(),
            expected: 0.0,
        });
    }

    fn add_province(&mut self, pcode: u32, pname: &str, pweight: f64, area: usize) {
        let mut rng = Rng::stream(1, domain::REGIONS, pcode as u64);
        self.rows.push(RegionRow {
            code: pcode,
            name: pname.to_string(),
            level: Level::Province,
            parent: None,
        });
        let n_counties = ((pweight * 12.0) as usize).clamp(6, 120);
        let n_cities = n_counties.div_ceil(8);
        let first = self.counties.len();
        let mut names: Vec<String> = Vec::new();
        let mut fresh = |rng: &mut Rng, suffix: &str| loop {
            let h = NAME_HEAD[rng.below(NAME_HEAD.len() as u64) as usize];
            let t = NAME_TAIL[rng.below(NAME_TAIL.len() as u64) as usize];
            let nm = format!("{h}{t}{suffix}");
            if !names.contains(&nm) {
                names.push(nm.clone());
                break nm;
            }
        };
        let mut left = n_counties;
        for c in 0..n_cities {
            let ccode = pcode + (c as u32 + 1) * 100;
            let cname = fresh(&mut rng, "市");
            self.rows.push(RegionRow {
                code: ccode,
                name: cname,
                level: Level::City,
                parent: Some(pcode),
            });
            let here = left.div_ceil(n_cities - c);
            left -= here;
            let (mut nd, mut nx, mut nc) = (0, 0, 0);
            for k in 0..here {
                // districts 01.., counties 21.., county-level cities 81..
                let (code, suffix) = match k % 4 {
                    0 | 1 => {
                        nd += 1;
                        (ccode + nd, "区")
                    }
                    2 => {
                        nx += 1;
                        (ccode + 20 + nx, "县")
                    }
                    _ => {
                        nc += 1;
                        (ccode + 80 + nc, "市")
                    }
                };
                let nm = fresh(&mut rng, suffix);
                self.rows.push(RegionRow {
                    code,
                    name: nm.clone(),
                    level: Level::County,
                    parent: Some(ccode),
                });
                let w = 1.0 + rng.below(8) as f64;
                self.add_county(code, &nm, w, area);
            }
        }
        self.areas.push(Area {
            code: pcode,
            counties: first..self.counties.len(),
            weight: pweight,
            factor: 0.0,
        });
    }

    pub fn county_index(&self, code: u32) -> Option<usize> {
        self.counties.iter().position(|c| c.code == code)
    }
}

/// A code padded to 9 digits, for sorting provinces, cities, counties and townships.
fn pad9(code: u32) -> u64 {
    if code < 1_000_000 {
        code as u64 * 1000
    } else {
        code as u64
    }
}

/// Largest-remainder apportionment of `total` over `weights`; ties go to the lower index.
pub fn apportion(total: u64, weights: &[f64]) -> Vec<u64> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 || weights.is_empty() {
        return vec![0; weights.len()];
    }
    let quotas: Vec<f64> = weights.iter().map(|w| total as f64 * w / sum).collect();
    let mut out: Vec<u64> = quotas.iter().map(|q| q.floor() as u64).collect();
    let mut left = total - out.iter().sum::<u64>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let ra = quotas[a] - quotas[a].floor();
        let rb = quotas[b] - quotas[b].floor();
        rb.partial_cmp(&ra)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if left == 0 {
            break;
        }
        out[i] += 1;
        left -= 1;
    }
    out
}

/// New users per year in Ningxia (first_found_date in the year), 2000..=2025: a rising
/// ramp to 2012 (16,133 persons, so that 28,818 are registered at the end of 2016), the
/// campaign's 4,485 in 2013 and a strict fall to 199 in 2019 and on to 2025.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2025;
pub fn base_new_users() -> [u64; 26] {
    let mut v = [0u64; 26];
    for (i, x) in v.iter_mut().enumerate().take(13) {
        *x = 851 + 65 * i as u64;
    }
    let late = [
        4485, 3600, 2700, 1900, 1100, 520, 199, 176, 152, 131, 112, 96, 83,
    ];
    v[13..].copy_from_slice(&late);
    v
}

/// One (year, county) cell of first findings: persons `start..start+count` (global
/// person indices) were first found in `year` in county `county`.
#[derive(Debug, Clone, Copy)]
pub struct Cell {
    pub start: u64,
    pub count: u64,
    pub year: i32,
    pub county: usize,
}

/// Allocates persons to cells ordered by (year, county), so person ids rise with the
/// year of first finding. `ningxia_total` is the number of Ningxia persons (the base
/// curve's total at `--scale ningxia`); other areas share `others_total` by weight.
pub fn allocate(geo: &mut Geography, ningxia_total: u64, others_total: u64) -> Vec<Cell> {
    let base = base_new_users();
    let base_sum: u64 = base.iter().sum();
    let years = base.len();
    // per area, per year totals
    let other_w: f64 = geo.areas.iter().skip(1).map(|a| a.weight).sum();
    let area_totals: Vec<u64> = {
        let mut t = vec![ningxia_total];
        if geo.areas.len() > 1 {
            let w: Vec<f64> = geo
                .areas
                .iter()
                .skip(1)
                .map(|a| a.weight / other_w)
                .collect();
            t.extend(apportion(others_total, &w));
        }
        t
    };
    let weights_base: Vec<f64> = base.iter().map(|&x| x as f64).collect();
    // counts[county][year]
    let mut counts = vec![vec![0u64; years]; geo.counties.len()];
    for (ai, area) in geo.areas.iter().enumerate() {
        let per_year = if area_totals[ai] == base_sum {
            base.to_vec()
        } else {
            apportion(area_totals[ai], &weights_base)
        };
        let cw: Vec<f64> = geo.counties[area.counties.clone()]
            .iter()
            .map(|c| c.weight)
            .collect();
        for (yi, &n) in per_year.iter().enumerate() {
            for (k, c) in apportion(n, &cw).into_iter().enumerate() {
                counts[area.counties.start + k][yi] = c;
            }
        }
        // 同心县: new users strictly falling every year from 2014 on (moves the excess
        // to the area's largest county, keeping the year's total).
        if ai == 0
            && let Some(tx) = geo.county_index(TONGXIN)
        {
            let biggest = area
                .counties
                .clone()
                .filter(|&c| c != tx)
                .max_by(|&a, &b| {
                    geo.counties[a]
                        .weight
                        .total_cmp(&geo.counties[b].weight)
                        .then(b.cmp(&a))
                })
                .unwrap_or(tx);
            for yi in 14..years {
                let prev = counts[tx][yi - 1];
                if counts[tx][yi] >= prev && prev >= 2 {
                    let excess = counts[tx][yi] - (prev - 1);
                    counts[tx][yi] -= excess;
                    counts[biggest][yi] += excess;
                }
            }
        }
    }
    for (ai, area) in geo.areas.iter_mut().enumerate() {
        area.factor = area_totals[ai] as f64 / base_sum as f64;
    }
    for (ci, c) in geo.counties.iter_mut().enumerate() {
        c.expected = counts[ci].iter().sum::<u64>() as f64;
    }
    let mut cells = Vec::new();
    let mut start = 0;
    for yi in 0..years {
        for (ci, row) in counts.iter().enumerate() {
            if row[yi] > 0 {
                cells.push(Cell {
                    start,
                    count: row[yi],
                    year: FIRST_YEAR + yi as i32,
                    county: ci,
                });
                start += row[yi];
            }
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ningxia_geography() {
        let g = Geography::build(false);
        assert_eq!(g.counties.len(), 22);
        assert_eq!(g.rows.iter().filter(|r| r.level == Level::City).count(), 5);
        for &(code, name) in NAMED_TOWNSHIPS {
            assert!(
                g.rows.iter().any(|r| r.code == code && r.name == name),
                "{name}"
            );
        }
        let mut codes: Vec<u32> = g.rows.iter().map(|r| r.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), g.rows.len(), "codes unique");
        for t in &g.townships {
            assert_eq!(t.code / 1000, g.counties[t.county].code);
        }
        // names unique within a county
        for c in &g.counties {
            let mut names: Vec<&str> = g
                .rows
                .iter()
                .filter(|r| r.level == Level::Township && r.parent == Some(c.code))
                .map(|r| r.name.as_str())
                .collect();
            let n = names.len();
            names.sort();
            names.dedup();
            assert_eq!(n, names.len());
        }
    }

    #[test]
    fn national_geography_is_unique() {
        let g = Geography::build(true);
        let mut codes: Vec<u32> = g.rows.iter().map(|r| r.code).collect();
        let n = codes.len();
        codes.sort();
        codes.dedup();
        assert_eq!(n, codes.len());
        assert!(g.counties.len() > 1000, "{}", g.counties.len());
    }

    #[test]
    fn allocation_hits_the_curve() {
        let mut g = Geography::build(false);
        let base = base_new_users();
        let total: u64 = base.iter().sum();
        let cells = allocate(&mut g, total, 0);
        assert_eq!(cells.iter().map(|c| c.count).sum::<u64>(), total);
        let y2013: u64 = cells
            .iter()
            .filter(|c| c.year == 2013)
            .map(|c| c.count)
            .sum();
        assert_eq!(y2013, 4485);
        let reg2016: u64 = cells
            .iter()
            .filter(|c| c.year <= 2016)
            .map(|c| c.count)
            .sum();
        assert_eq!(reg2016, 28_818);
        let tx = g.county_index(TONGXIN).unwrap();
        let per: Vec<u64> = (2013..=2025)
            .map(|y| {
                cells
                    .iter()
                    .filter(|c| c.year == y && c.county == tx)
                    .map(|c| c.count)
                    .sum()
            })
            .collect();
        assert!(per.windows(2).all(|w| w[1] < w[0]), "{per:?}");
    }

    #[test]
    fn apportion_is_exact() {
        assert_eq!(apportion(10, &[1.0, 1.0, 1.0]), vec![4, 3, 3]);
        assert_eq!(apportion(7, &[0.0, 2.0]), vec![0, 7]);
    }
}
