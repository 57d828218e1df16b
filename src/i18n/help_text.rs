//! The help of the commands (clap), the second catalogue beside [`super::catalogue`]:
//! command summaries, option help and clap's headings, in Chinese and English with the
//! same `{named}` parameters, applied by `cli::help` in the chosen language.

use super::catalogue::catalogue;

catalogue! {
    Help;

    HelpAbout =>
        "禁毒统计 — 由社区戒毒康复数据生成统计与公报",
        "禁毒统计 — statistics and bulletins from community drug-rehabilitation data";
    HelpHeadingUsage =>
        "用法:",
        "Usage:";
    HelpHeadingCommands =>
        "命令",
        "Commands";
    HelpHeadingArguments =>
        "参数",
        "Arguments";
    HelpHeadingOptions =>
        "选项",
        "Options";
    HelpDefault =>
        "[默认：{value}]",
        "[default: {value}]";
    HelpPossibleValues =>
        "[可选值：{values}]",
        "[possible values: {values}]";
    HelpFlagHelp =>
        "显示帮助",
        "Print help";
    HelpFlagVersion =>
        "显示版本",
        "Print version";
    HelpSubcommandHelp =>
        "显示本说明或指定命令的帮助",
        "Print this message or the help of the given subcommand(s)";
    HelpLang =>
        "消息与帮助的语言（默认按区域设置：LC_ALL、LC_MESSAGES 或 LANG 以 zh 开头为中文，否则英文）",
        "Language of messages and help: zh or en; default from the locale (Chinese when LC_ALL, LC_MESSAGES or LANG starts with zh)";
    HelpCheck =>
        "校验导出数据但不写入数据集；打印数据质量报告",
        "Validate an export without writing a dataset; print the data-quality report";
    HelpImport =>
        "将导出数据导入为经过校验、假名化的规范数据集",
        "Import an export into a validated, pseudonymised canonical dataset";
    HelpKeygen =>
        "写出一个新的随机 256 位假名化密钥文件（权限 0600）",
        "Write a new random 256-bit pseudonymisation key file (mode 0600)";
    HelpMetrics =>
        "按地区和年份计算 docs/metrics.md 中的指标",
        "Compute the indicators of docs/metrics.md per region and year";
    HelpSample =>
        "生成合成的导出数据（虚构人员），用于测试、演示和性能测试",
        "Generate a synthetic export (fake persons) for tests, demos and benchmarks";
    HelpReport =>
        "将年度公报或县级简报生成为 PDF（默认：样例公报）",
        "Render the annual bulletin or county briefs to PDF (default: the sample bulletin)";
    HelpReportSet =>
        "模板以 meta.KEY 读取的单位设置（issuer 发文机关、doc_number 文号、signed 签发日期、contact 联系方式、cover=on|off 等），覆盖模板文件夹中的 settings.txt；可重复",
        "An office setting read by the template as meta.KEY (issuer, doc_number, signed, contact, cover=on|off, …); overrides the template folder's settings.txt. Repeatable";
    HelpReportRaw =>
        "向模板提供未经披露控制的数字（1–9 的计数可见），仅供内部使用：每页都会注明数字不得公开",
        "Give templates the figures before disclosure control (counts 1–9 shown). For internal use only: every page then says the figures are not for publication";
    HelpTemplatesCmd =>
        "报告模板：把内置模板写入文件夹，作为本单位模板的起点",
        "Report templates: write the shipped ones into a folder to start one's own";
    HelpTemplatesInit =>
        "把内置模板（annual-bulletin.typ、county-brief.typ 等）、库 lib.typ 和示例 settings.txt 写入 DIR；用 jindu report DATA --template DIR/annual-bulletin.typ 生成",
        "Write the shipped templates (annual-bulletin.typ, county-brief.typ, …), the library lib.typ and an example settings.txt into DIR; render one with `jindu report DATA --template DIR/annual-bulletin.typ`";
    HelpTemplatesDir =>
        "写入的文件夹（不存在则创建）",
        "The folder to write into (created if missing)";
    HelpTemplatesForce =>
        "覆盖已存在的文件",
        "Overwrite files that exist";
    HelpServe =>
        "启动本机网页工作台（数据、指标、队列、查询、报告），在浏览器中打开",
        "Start the local web workbench (data, indicators, cohorts, queries, reports) and open it in the browser";
    HelpServeWorkspace =>
        "工作目录：其中由 jindu import 写入的数据集和导出文件夹（或该文件夹本身），新的导入也写在这里（默认：当前文件夹）",
        "The workspace folder: datasets written by `jindu import` and export folders in it (or the folder itself), and new imports (default: the current folder)";
    HelpServePort =>
        "监听端口（0：任一空闲端口，地址会打印出来）",
        "Port to listen on (0: any free port; the address is printed)";
    HelpServeNoOpen =>
        "不自动打开浏览器",
        "Do not open the browser";
    HelpServeListen =>
        "监听此地址而不是 127.0.0.1（其他计算机可访问工作台，但仍需令牌）",
        "Listen on this address instead of 127.0.0.1 (other machines can then reach the workbench: they still need the token)";
    HelpServeRaw =>
        "不做披露控制，显示原始数字（小计数可见），不得用于发布",
        "Show figures without disclosure control (small counts visible). Not for publication";
    HelpServeMaxUpload =>
        "上传文件的最大大小（MiB）",
        "Largest upload, in MiB";
    HelpServeQueryTimeout =>
        "单个查询的时间上限（秒）",
        "Time limit of a query, in seconds";
    HelpServeMaxRows =>
        "查询结果最多保留的行数",
        "Most rows a query result keeps";
    HelpQuery =>
        "在规范数据表上运行 SQL（或 queries/ 中已保存的查询）",
        "Run SQL (or a saved query from queries/) over the canonical tables";
    HelpCohort =>
        "入组队列的 Kaplan–Meier 复吸曲线及 log-rank 检验",
        "Kaplan–Meier relapse curves for an entry cohort, with log-rank tests";
    HelpExports =>
        "导出文件夹或文件（按文件名识别表：persons.csv、人员.csv 等）",
        "Export folders or files (tables recognised by file name: persons.csv, 人员.csv, …)";
    HelpTable =>
        "显式指定文件对应的表：--table persons=export1.csv（可重复）",
        "Name the table of a file explicitly: --table persons=export1.csv (repeatable)";
    HelpEncoding =>
        "无字节序标记的 CSV 文件的文本编码（默认：自动检测）",
        "Text encoding of CSV files without a byte-order mark (default: detected)";
    HelpSheet =>
        "读取 XLSX 文件的哪个工作表（默认：第一个）",
        "Worksheet to read from XLSX files (default: the first)";
    HelpMaxRejectRate =>
        "单个文件被隔离行数的最大比例，超过则导入失败；小数（0.01）或百分比（1%）",
        "Largest share of a file's rows that may be quarantined before the import fails, as a fraction (0.01) or percentage (1%)";
    HelpMaxRecordBytes =>
        "CSV 单条记录的最大字节数（更长的记录被隔离）",
        "Longest CSV record accepted, in bytes (longer ones are quarantined)";
    HelpReadAsOf =>
        "数据截止日 C（YYYY-MM-DD）；默认：最近记录日期",
        "Data cutoff C (YYYY-MM-DD); default: the latest record date";
    HelpCheckFormat =>
        "报告格式",
        "Report format";
    HelpImportOut =>
        "要写入的数据集文件夹（导入成功时原子替换）",
        "The dataset folder to write (replaced atomically when the import succeeds)";
    HelpKeyFile =>
        "假名化密钥文件（由 `jindu keygen` 生成）。不指定时本次运行使用随机密钥，假名无法跨导入关联",
        "Pseudonymisation key file (from `jindu keygen`). Without one, a random key is used for this run only and pseudonyms will not link across imports";
    HelpKeygenOut =>
        "密钥写入位置（从不覆盖）",
        "Where to write the key (never overwritten)";
    HelpData =>
        "由 `jindu import` 写出的数据集，或导出文件夹（在内存中导入）",
        "A dataset written by `jindu import`, or an export folder (imported in memory)";
    HelpMetric =>
        "指标标识（可重复；默认：全部）。见 docs/metrics.md",
        "Metric id (repeatable; default: all). See docs/metrics.md";
    HelpPeriod =>
        "期间长度：自然年（2025）、季度（2025-Q1）或月（2025-03）",
        "Length of the periods: calendar years (2025), quarters (2025-Q1) or months (2025-03)";
    HelpReportPeriod =>
        "报告期：year（年度公报、县区简报），quarter 或 month（季报、月报：period-brief）",
        "The period reported: year (the bulletin and county brief), quarter or month (the quarterly or monthly brief: period-brief)";
    HelpReportPeriodLabel =>
        "--period quarter|month 报告的季度或月份，如 2025-Q3、2025-09（默认：数据中最后一个完整的）",
        "The quarter or month reported with --period quarter|month, e.g. 2025-Q3, 2025-09 (default: the last complete one of the data)";
    HelpLevel =>
        "输出行的区划级别",
        "Regional level of the output rows";
    HelpRegionWithin =>
        "只输出该区划内的地区（省、市、县或乡镇代码）",
        "Only regions inside this one (a province, city, county or township code)";
    HelpFrom =>
        "报告的第一年",
        "First year to report";
    HelpTo =>
        "报告的最后一年",
        "Last year to report";
    HelpOutputAsOf =>
        "数据截止日 C（YYYY-MM-DD）：按该日的数据状态读取",
        "Data cutoff C (YYYY-MM-DD): read the data as it stood on that day";
    HelpOutputFormat =>
        "table、csv、json、parquet、xlsx 或 arrow（Arrow IPC）",
        "table, csv, json, parquet, xlsx or arrow (Arrow IPC)";
    HelpOutputOut =>
        "输出文件（默认：标准输出；parquet、xlsx 和 arrow 必须指定）",
        "Output file (default: standard output; required for parquet, xlsx and arrow)";
    HelpPublish =>
        "应用披露控制（隐藏 1–9 的计数并做补充隐藏；见 docs/metrics.md 和 docs/queries.md）",
        "Apply disclosure control (counts 1–9 hidden, complementary suppression; see docs/metrics.md and docs/queries.md)";
    HelpPublishThreshold =>
        "发布阈值：低于它（且大于 0）的计数被隐藏",
        "Publication threshold: counts below it (and above 0) are hidden";
    HelpScale =>
        "`ningxia`（按公布数字校准）、`national`（250 万人）、`national:N`（全国区划，宁夏以外 N 人）或人数",
        "`ningxia` (calibrated to the published figures), `national` (2.5 million persons), `national:N` (the national geography with N persons outside Ningxia) or a number of persons";
    HelpSeed =>
        "生成器的种子：相同种子生成逐字节相同的文件",
        "Seed of the generator: the same seed gives byte-identical files";
    HelpSampleOut =>
        "输出文件夹",
        "Output folder";
    HelpDirty =>
        "加入真实导出中常见的缺陷（约千分之几的行）",
        "Add the defects real exports have (a few per mille of rows)";
    HelpSampleFormat =>
        "输出形式：csv（类似平台导出的中文表头 CSV）、xlsx（每表一个工作簿）或 parquet（规范数据集）",
        "What to write: csv (a platform-like export with Chinese headers), xlsx (a workbook per table) or parquet (a canonical dataset)";
    HelpReportData =>
        "数据集或导出文件夹（默认：若存在则用 sample-data/ningxia，否则新生成样例）",
        "A dataset or export folder (default: sample-data/ningxia if present, else a freshly generated sample)";
    HelpTemplate =>
        "文档：annual-bulletin（年度公报）或 county-brief（县级简报，配合 --each county 时为默认）",
        "The document: annual-bulletin, or county-brief (the default with --each county)";
    HelpYear =>
        "年份（默认：数据截止日所在年份，若该年不完整则为前一年）",
        "The year (default: the year of the data cutoff if complete, else the one before)";
    HelpReportRegion =>
        "区划代码：省、市或县（默认：数据中唯一的省）",
        "Region code: province, city or county (default: the only province of the data)";
    HelpReportLang =>
        "文档的语言（默认 zh，与区域设置无关）；也决定消息与帮助的语言",
        "Language of the document (default zh, whatever the locale); also of messages and help";
    HelpReportOut =>
        "输出 PDF（默认 bulletin.pdf），或配合 --each 时的文件夹（默认 county-briefs）",
        "Output PDF (default bulletin.pdf), or folder with --each (default county-briefs)";
    HelpEach =>
        "为该区划的每个县各生成一份文档，并行写入 --out 文件夹",
        "One document per county of the region, rendered in parallel into the --out folder";
    HelpTemplates =>
        "用该文件夹中的 Typst 模板代替内置模板",
        "A folder of Typst templates to use instead of the built-in ones";
    HelpFontPath =>
        "额外的字体文件夹（递归查找）；可重复",
        "An extra font folder (searched recursively); may be repeated";
    HelpReportThreshold =>
        "披露阈值：1 到 N−1 的计数显示为 <N",
        "Disclosure threshold: counts from 1 to N−1 are shown as <N";
    HelpQueryData =>
        "由 `jindu import` 写出的数据集，或导出文件夹",
        "A dataset written by `jindu import`, or an export folder";
    HelpQueryText =>
        "SQL 语句，或已保存的查询：`queries/NAME.sql` 或 `NAME`",
        "The SQL statement, or a saved query: `queries/NAME.sql` or `NAME`";
    HelpParam =>
        "参数：NAME=VALUE（可重复）。临时 SQL 可写 NAME:TYPE=VALUE，TYPE 为 integer、date 或 text（默认 text）。`date=` 设定视图的参照日期",
        "A parameter: NAME=VALUE (repeatable). For ad-hoc SQL, NAME:TYPE=VALUE with TYPE integer, date or text (default text). `date=` sets the views' reference date";
    HelpList =>
        "列出已保存的查询（./queries/ 中的和内置的）后退出",
        "List the saved queries (from ./queries/ and built in) and exit";
    HelpQueries =>
        "已保存查询所在的文件夹",
        "Folder of saved queries";
    HelpEntry =>
        "人员入组队列的方式：community（当年最早的社区措施报到日）或 release（当年解除强制隔离戒毒）",
        "How persons enter the cohort: community (earliest community-measure report date in the year) or release (release from compulsory isolation in the year)";
    HelpEntered =>
        "入组年份",
        "Entry year";
    HelpBy =>
        "按组各画一条曲线，并做组间 log-rank 检验",
        "One curve per group, with a log-rank test between them";
    HelpWindow =>
        "随访窗口（天）（超出的时间点不报告）",
        "Follow-up window in days (horizons beyond it are not reported)";
    HelpChart =>
        "将 Kaplan–Meier 图（累计复吸率、风险人数）写为 SVG",
        "Write the Kaplan–Meier chart (cumulative relapse, numbers at risk) as SVG";
}
