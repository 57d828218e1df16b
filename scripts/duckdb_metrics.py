#!/usr/bin/env python3
"""DuckDB baseline for the metrics benchmarks (issues 4 and 13, scripts/bench.sh).

Computes nine metrics (`existing`, `execution_rate`, `test_compliance`,
`timely_report_rate`, `loss_of_contact_rate`, `escalation_rate`, `new_users`,
`transfers_in`, `transfers_out`) at county level for every year with SQL equivalent to
METRICS.md, on the Parquet files of a jindu dataset, times it (the SQL only), and
compares the numbers with jindu's CSV output (an independent second implementation).

Usage: scripts/duckdb_metrics.py DATASET JINDU_METRICS.csv [JINDU_QUARTERS.csv JINDU_MONTHS.csv]

Contract v1.2: when the dataset has the `population` and `incidents` tables, the metrics
`new_users_yoy`, `new_users_per_100k`, `existing_per_10k`, `incidents` and
`incident_free_streak` are checked too, for the years of JINDU_METRICS.csv and for the
quarters and months of the further CSV files (`jindu metrics --period quarter|month
--level county --format csv`).
"""
import csv
import datetime
import json
import os
import sys
import time

import duckdb


# Community measures decided in the year, less the excused and the pending ones
# (METRICS.md, execution_rate); shared by execution_rate and timely_report_rate.
EXECUTION_DENOMINATOR = """WHERE measure_type IN ('community_detox', 'community_rehab')
          AND NOT (report_date IS NULL AND coalesce(end_reason IN ('died', 'departed', 'imprisoned'), false))
          AND NOT (report_date IS NULL AND end_date IS NULL
                   AND date_diff('day', decision_date, getvariable('c')) < 15)"""


def main():
    ds, jindu_csv = sys.argv[1], sys.argv[2]
    manifest = json.load(open(f"{ds}/manifest.json"))
    cutoff = manifest["cutoff"]
    con = duckdb.connect()
    t0 = time.time()
    for t in ["persons", "measures", "detections", "tests", "transfers"]:
        con.execute(f"CREATE VIEW {t} AS SELECT * FROM read_parquet('{ds}/{t}.parquet')")
    con.execute(f"SET VARIABLE c = DATE '{cutoff}'")
    first = con.execute(
        """SELECT year(min(d)) FROM (
             SELECT min(first_found_date) d FROM persons UNION ALL
             SELECT min(decision_date) FROM measures UNION ALL
             SELECT min(date) FROM detections UNION ALL SELECT min(date) FROM tests UNION ALL
             SELECT min(date) FROM transfers)"""
    ).fetchone()[0]
    last = int(cutoff[:4])
    con.execute(
        f"""CREATE TEMP TABLE years AS
            SELECT y, least(make_date(y, 12, 31), getvariable('c')) AS d
            FROM range({first}, {last + 1}) t(y)"""
    )
    existing = con.execute(
        """
        WITH uses AS (
          SELECT person_id, date FROM detections
          UNION ALL SELECT person_id, date FROM tests WHERE result = 'positive'),
        reg AS (
          SELECT y.y, y.d, p.person_id, p.first_found_date, p.residence_region
          FROM years y JOIN persons p ON p.first_found_date <= y.d
          WHERE NOT coalesce(p.death_date <= y.d, false)
            AND NOT coalesce(p.departure_date <= y.d, false)),
        lu AS (
          SELECT r.y, r.person_id, max(u.date) AS last_det
          FROM reg r JOIN uses u ON u.person_id = r.person_id AND u.date <= r.d
          GROUP BY r.y, r.person_id),
        inforce AS (
          SELECT DISTINCT r.y, r.person_id FROM reg r JOIN measures m
            ON m.person_id = r.person_id AND m.decision_date <= r.d
           AND (m.end_date IS NULL OR m.end_date > r.d)),
        tr_before AS (
          SELECT r.y, r.person_id, arg_max(t.to_region, (t.date, t.transfer_id)) AS to_region
          FROM reg r JOIN transfers t ON t.person_id = r.person_id AND t.date <= r.d
          GROUP BY r.y, r.person_id),
        tr_first AS (
          SELECT person_id, arg_min(from_region, (date, transfer_id)) AS from_region
          FROM transfers GROUP BY person_id),
        st AS (
          SELECT r.y,
                 coalesce(tb.to_region, tf.from_region, r.residence_region) AS mgmt,
                 greatest(r.first_found_date, coalesce(lu.last_det, r.first_found_date)) AS last_use,
                 r.d, i.person_id IS NOT NULL AS blocked
          FROM reg r
          LEFT JOIN lu ON lu.y = r.y AND lu.person_id = r.person_id
          LEFT JOIN inforce i ON i.y = r.y AND i.person_id = r.person_id
          LEFT JOIN tr_before tb ON tb.y = r.y AND tb.person_id = r.person_id
          LEFT JOIN tr_first tf ON tf.person_id = r.person_id)
        SELECT y, substr(mgmt, 1, 6) AS county, count(*) AS n
        FROM st
        WHERE NOT (last_use <= CAST(d - INTERVAL 3 YEAR AS DATE) AND NOT blocked)
        GROUP BY ALL
        """
    ).fetchall()
    execution = con.execute(
        f"""
        SELECT year(decision_date) AS y, substr(region, 1, 6) AS county,
               count(report_date) AS num, count(*) AS den
        FROM measures
        {EXECUTION_DENOMINATOR}
        GROUP BY ALL
        """
    ).fetchall()
    compliance = con.execute(
        """
        WITH q AS (
          SELECT y, qn, make_date(y, 3 * qn - 2, 1) AS qs,
                 CAST(make_date(y, 3 * qn - 2, 1) + INTERVAL 3 MONTH - INTERVAL 1 DAY AS DATE) AS qe
          FROM years, range(1, 5) t(qn)),
        units AS (
          SELECT q.y, q.qs, q.qe, m.person_id, substr(m.region, 1, 6) AS county
          FROM measures m JOIN q ON m.report_date <= q.qs
           AND (m.end_date IS NULL OR m.end_date > q.qe) AND q.qe <= getvariable('c')
          JOIN persons p ON p.person_id = m.person_id
          WHERE m.measure_type IN ('community_detox', 'community_rehab')
            AND NOT coalesce(p.death_date <= q.qe, false)
            AND NOT coalesce(p.departure_date <= q.qe, false)),
        tested AS (
          SELECT DISTINCT person_id, year(date) AS y, quarter(date) AS qn
          FROM tests WHERE result IN ('negative', 'positive'))
        SELECT u.y, u.county,
               count(t.person_id) AS num, count(*) AS den
        FROM units u LEFT JOIN tested t
          ON t.person_id = u.person_id AND t.y = u.y AND t.qn = quarter(u.qs)
        GROUP BY ALL
        """
    ).fetchall()
    # More flows, with the same definitions in SQL.
    timely = con.execute(
        f"""
        SELECT year(decision_date) AS y, substr(region, 1, 6) AS county,
               count(*) FILTER (WHERE report_date <= decision_date + INTERVAL 15 DAY) AS num,
               count(*) AS den
        FROM measures
        {EXECUTION_DENOMINATOR}
        GROUP BY ALL
        """
    ).fetchall()

    def ended_as(reason):
        return con.execute(
            f"""
            SELECT y.y, substr(m.region, 1, 6) AS county,
                   count(*) FILTER (WHERE m.end_reason = '{reason}' AND year(m.end_date) = y.y) AS num,
                   count(*) AS den
            FROM measures m JOIN years y
              ON m.report_date <= make_date(y.y, 12, 31)
             AND (m.end_date IS NULL OR m.end_date >= make_date(y.y, 1, 1))
            WHERE m.measure_type IN ('community_detox', 'community_rehab')
            GROUP BY ALL
            """
        ).fetchall()

    new_users = con.execute(
        """SELECT year(first_found_date) AS y, substr(first_found_region, 1, 6) AS county, count(*)
           FROM persons GROUP BY ALL"""
    ).fetchall()
    t_in = con.execute(
        """SELECT year(date) AS y, substr(to_region, 1, 6) AS county, count(*)
           FROM transfers WHERE date <= getvariable('c') GROUP BY ALL"""
    ).fetchall()
    t_out = con.execute(
        """SELECT year(date) AS y, substr(from_region, 1, 6) AS county, count(*)
           FROM transfers WHERE date <= getvariable('c') GROUP BY ALL"""
    ).fetchall()

    loss, escalation = ended_as("lost_contact"), ended_as("escalated")
    secs = time.time() - t0
    print(f"duckdb {duckdb.__version__}: 9 metrics (existing, execution_rate, test_compliance, "
          f"timely_report_rate, loss_of_contact_rate, escalation_rate, new_users, transfers_in, "
          f"transfers_out) in {secs:.2f} s")

    # Compare with jindu (not timed).
    jindu = {}
    with open(jindu_csv, newline="") as f:
        for r in csv.DictReader(f):
            if r["breakdown"] == "":
                jindu[(r["metric"], int(r["period"]), r["region_code"])] = (r["numerator"], r["denominator"])
    mismatches = 0
    checked = 0
    counts = {"existing", "new_users", "transfers_in", "transfers_out"}
    for name, rows in [
        ("existing", existing),
        ("execution_rate", execution),
        ("test_compliance", compliance),
        ("timely_report_rate", timely),
        ("loss_of_contact_rate", loss),
        ("escalation_rate", escalation),
        ("new_users", new_users),
        ("transfers_in", t_in),
        ("transfers_out", t_out),
    ]:
        for row in rows:
            if name in counts:
                y, county, n = row
                want = (str(n), "")
            else:
                y, county, num, den = row
                want = (str(num), str(den))
            got = jindu.get((name, y, county))
            if got is None:
                continue  # outside jindu's periods or regions
            checked += 1
            if got != want:
                mismatches += 1
                if mismatches <= 10:
                    print(f"  mismatch {name} {y} {county}: jindu {got} duckdb {want}")
    print(f"compared {checked} (metric, year, county) cells of 9 metrics with jindu: {mismatches} mismatches")
    existing_by_year = {(y, county): n for y, county, n in existing}
    bad = mismatches
    if os.path.exists(f"{ds}/population.parquet") and os.path.exists(f"{ds}/incidents.parquet"):
        for path in [jindu_csv] + sys.argv[3:]:
            bad += check_v12(con, ds, cutoff, path, existing_by_year)
    sys.exit(1 if bad else 0)


def periods_of(kind, first_date, cutoff):
    """(label, start, end, D, partial) from the period containing first_date to the one
    containing C (METRICS.md "Quarters and months")."""
    out = []
    y, m = first_date.year, first_date.month
    step = {"year": 12, "quarter": 3, "month": 1}[kind]
    m = (m - 1) // step * step + 1
    while True:
        start = datetime.date(y, m, 1)
        ny, nm = (y + (m - 1 + step) // 12, (m - 1 + step) % 12 + 1)
        end = datetime.date(ny, nm, 1) - datetime.timedelta(days=1)
        label = {"year": f"{y}", "quarter": f"{y}-Q{(m - 1) // 3 + 1}", "month": f"{y}-{m:02d}"}[kind]
        out.append((label, start, end, min(end, cutoff), end > cutoff))
        if end >= cutoff:
            return out
        y, m = ny, nm


def pop(rows, region, year):
    """pop(R, Y): the own row, else the rows inside R without an ancestor row inside R."""
    if (region, year) in rows:
        return rows[(region, year)]
    def sig(c):  # significant prefix
        if len(c) >= 9:
            return c[:9]
        return c[:2] if c.endswith("0000") else c[:4] if c.endswith("00") else c[:6]
    inside = [c for (c, y) in rows if y == year and c.startswith(sig(region)) and c != region]
    kept = [c for c in inside
            if not any(a != c and c.startswith(sig(a)) and len(sig(c)) > len(sig(a)) for a in inside)]
    return sum(rows[(c, year)] for c in kept) if kept else None


def check_v12(con, ds, cutoff, path, existing_by_year):
    """Compares the v1.2 metrics of one jindu CSV (county level) with an independent
    computation. Returns the number of mismatches."""
    con.execute(f"CREATE OR REPLACE VIEW population AS SELECT * FROM read_parquet('{ds}/population.parquet')")
    con.execute(f"CREATE OR REPLACE VIEW incidents AS SELECT * FROM read_parquet('{ds}/incidents.parquet')")
    rows = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["breakdown"] == "":
                rows[(r["metric"], r["period"], r["region_code"])] = r
    labels = sorted({k[1] for k in rows})
    kind = "quarter" if "-Q" in labels[0] else "month" if "-" in labels[0] else "year"
    c = datetime.date.fromisoformat(cutoff)
    first = con.execute(
        """SELECT min(d) FROM (
             SELECT min(first_found_date) d FROM persons UNION ALL
             SELECT min(least(decision_date, report_date, end_date)) FROM measures UNION ALL
             SELECT min(date) FROM detections UNION ALL SELECT min(date) FROM tests UNION ALL
             SELECT min(date) FROM transfers UNION ALL
             SELECT min(date) FROM read_parquet('""" + ds + """/services.parquet'))"""
    ).fetchone()[0]
    pers = periods_of(kind, first, c)
    per_year = {"year": 1, "quarter": 4, "month": 12}[kind]
    counties = sorted({k[2] for k in rows})
    popu = {(r, y): n for r, y, n in con.execute("SELECT region, year, population FROM population").fetchall()}
    new = {}
    inc = {}
    for label, s, e, _, _ in pers:
        for county, n in con.execute(
            "SELECT substr(first_found_region, 1, 6), count(*) FROM persons "
            "WHERE first_found_date BETWEEN ? AND ? GROUP BY 1", [s, e]).fetchall():
            new[(label, county)] = n
        for county, n in con.execute(
            "SELECT substr(region, 1, 6), count(*) FROM incidents "
            "WHERE date BETWEEN ? AND ? AND date <= ? GROUP BY 1", [s, e, c]).fetchall():
            inc[(label, county)] = n
    checked = bad = 0

    def expect(metric, label, county, num, den, value):
        nonlocal checked, bad
        r = rows.get((metric, label, county))
        if r is None:
            return
        checked += 1
        ok = (r["numerator"], r["denominator"]) == (num, den)
        if value is None:
            ok = ok and r["value"] == ""
        else:
            ok = ok and r["value"] != "" and abs(float(r["value"]) - value) <= 1e-9 * max(1.0, abs(value))
        if not ok:
            bad += 1
            if bad <= 10:
                print(f"  mismatch {metric} {label} {county}: jindu {r['numerator']}/{r['denominator']}={r['value']} "
                      f"independent {num}/{den}={value}")

    streak = {k: 0 for k in counties}
    for i, (label, s, e, d, partial) in enumerate(pers):
        year = e.year
        for county in counties:
            n = new.get((label, county), 0)
            if i >= per_year:
                prev = new.get((pers[i - per_year][0], county), 0)
                expect("new_users_yoy", label, county, str(n), str(prev), n / prev - 1 if prev else None)
            else:
                expect("new_users_yoy", label, county, str(n), "", None)
            known = len(county) == 6 and not county.endswith("00")
            p = pop(popu, county, year) if known else None
            expect("new_users_per_100k", label, county, str(n), "" if p is None else str(p),
                   None if p is None else 1e5 * n / p)
            k = inc.get((label, county), 0)
            expect("incidents", label, county, str(k), "", k)
            if kind == "year":
                ex = existing_by_year.get((int(label), county), 0)
                expect("existing_per_10k", label, county, str(ex), "" if p is None else str(p),
                       None if p is None else 1e4 * ex / p)
                if partial:
                    expect("incident_free_streak", label, county, "", "", None)
                else:
                    streak[county] = 0 if k else streak[county] + 1
                    expect("incident_free_streak", label, county, str(streak[county]), "", streak[county])
    print(f"v1.2 ({kind}, {path}): compared {checked} cells with jindu: {bad} mismatches")
    return bad


if __name__ == "__main__":
    main()
