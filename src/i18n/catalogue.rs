//! The message catalogue: every user-facing message of jindu, keyed by [`Msg`], in
//! Chinese and English with the same `{named}` parameters. Grouped by where the
//! message appears: row problems (the quarantine reasons, one per error code), details
//! of row problems, file and import errors, the data-quality report, command-line
//! errors, warnings and progress, and the help of the commands.
//!
//! A message never carries a raw value of a row (an ID number, a name): parameters are
//! paths, line and column numbers, counts, codes and option values.

macro_rules! catalogue {
    ($( $(#[$m:meta])* $id:ident => $zh:literal, $en:literal; )*) => {
        /// A catalogue entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Msg {
            $($(#[$m])* $id,)*
        }

        impl Msg {
            pub const ALL: &'static [Msg] = &[$(Msg::$id,)*];

            /// The entry's id (its name here).
            pub fn id(self) -> &'static str {
                match self {
                    $(Msg::$id => stringify!($id),)*
                }
            }

            pub fn zh(self) -> &'static str {
                match self {
                    $(Msg::$id => $zh,)*
                }
            }

            pub fn en(self) -> &'static str {
                match self {
                    $(Msg::$id => $en,)*
                }
            }
        }
    };
}

catalogue! {
    // ---- Row problems: the quarantine reasons, one per error code (docs/data-contract.md).
    CodeDecode =>
        "字节无法按检测到的编码解码",
        "bytes do not decode in the detected encoding; re-save the file as UTF-8 or pass --encoding";
    CodeFieldCount =>
        "字段个数与表头不一致",
        "the number of fields differs from the header; check the delimiter and quoting";
    CodeRecordTooLong =>
        "记录超过读取长度上限，可能是引号未闭合",
        "record longer than the reader's limit, probably an unclosed quote; fix the quoting or raise --max-record-bytes";
    CodeUnclosedQuote =>
        "引号未闭合（文件可能被截断）",
        "quoted field never closes (file truncated?); close the quote or re-export the file";
    CodeRequired =>
        "必填项为空",
        "required value is empty; fill it in the platform and export again";
    CodeDateNotYearFirst =>
        "日期必须以四位年份开头（如 2021-03-05），不猜测日/月顺序",
        "date must start with a 4-digit year (e.g. 2021-03-05); day/month orders are not guessed";
    CodeDateFormat =>
        "日期格式无法识别",
        "date format not recognised; use YYYY-MM-DD";
    CodeDateInvalid =>
        "日期不存在",
        "no such calendar date; correct the day or month";
    CodeExcelSerial60 =>
        "Excel 序列号 60 表示不存在的 1900-02-29",
        "Excel serial 60 is the non-existent 1900-02-29; enter the real date";
    CodeRegionFormat =>
        "区划代码应为 6、9 或 12 位数字",
        "region code must be 6, 9 or 12 digits; format the column as text before export";
    CodeEnumValue =>
        "取值不在允许范围内",
        "value is not one of the allowed values";
    CodeIntegerFormat =>
        "应为整数（可用千位分隔符“,”或以“人”结尾，不得带符号或小数）",
        "must be a whole number (digits, optionally with `,` thousands separators or a trailing 人; no sign, no decimal part)";
    CodeIntegerRange =>
        "数值超出允许范围",
        "number is outside the allowed range";
    CodeIdMangled =>
        "身份证号被表格软件改写（科学计数法或末三位为000），已无法恢复",
        "ID number mangled by a spreadsheet (scientific notation or trailing 000); format the column as text and export again";
    CodeIdFormat =>
        "身份证号应为18位（末位可为X）",
        "ID number must be 18 characters (last may be X)";
    CodeIdCheck =>
        "身份证号校验位错误（GB 11643）",
        "ID number check character is wrong (GB 11643); correct the number";
    CodeIdBirthDate =>
        "身份证号中的出生日期不存在",
        "the birth date inside the ID number is not a real date";
    CodeDateOrder =>
        "日期先后顺序不合理",
        "dates are in an impossible order";
    CodeAgeRange =>
        "初次发现时年龄不在10至100岁之间",
        "age at first finding must be between 10 and 100; check birth_date and first_found_date";
    CodeEndReason =>
        "结束原因与结束日期必须同时填写或同时为空",
        "end_reason must be filled exactly when end_date is";
    CodeRefPerson =>
        "人员编号在人员表中不存在",
        "person_id does not exist among the accepted persons";
    CodeRefMeasure =>
        "措施编号在措施表中不存在",
        "measure_id does not exist among the accepted measures";
    CodeDuplicateConflict =>
        "编号重复且内容不同，保留首条",
        "same id with different content; the first accepted row is kept";

    // ---- Details added to a row problem (after "：" / ": ").
    DetailNoIdToDerive =>
        "且无有效身份证号可推出",
        "and no valid ID number to derive it from";
    DetailBirthBeforeFound =>
        "出生日期应早于初次发现日期",
        "birth_date must be before first_found_date";
    DetailNotBeforeFound =>
        "不得早于初次发现日期",
        "must not be before first_found_date";
    DetailNotBeforeDecision =>
        "不得早于决定日期",
        "must not be before decision_date";
    DetailAllowedValues =>
        "允许的取值：{values}",
        "allowed values: {values}";
    DetailRefQuarantined =>
        "该{target}的记录本身已被隔离（{file} 第{line}行）",
        "the {target} row itself was quarantined ({file} line {line})";
    DetailRefNoTable =>
        "导出中没有{target}表",
        "the export has no {target} table";
    DetailAllowedRange =>
        "允许范围 {range}",
        "allowed range {range}";
    DetailFirstRowAt =>
        "首条在 {file} 第{line}行",
        "first row at {file} line {line}";
    /// A row problem: the column, then the explanation.
    IssueWithColumn =>
        "[{column}] {message}",
        "[{column}] {message}";
    IssueDetail =>
        "{message}：{detail}",
        "{message}: {detail}";
    /// Joins the messages of one quarantined row.
    IssueSeparator =>
        "；",
        "; ";

    // ---- Errors that stop the import of a file or of the whole export.
    FileIo =>
        "{path}：无法读取：{error}",
        "{path}: cannot read: {error}";
    FileEmpty =>
        "{path}：文件为空（没有表头行）；请重新导出该表",
        "{path}: the file is empty (no header line); export the table again";
    FileBinary =>
        "{path}：第1行：这不是文本表格（第 {offset} 字节起为二进制内容）；请提供 CSV、XLSX 或 Parquet 导出文件",
        "{path}: line 1: this is not a text table (binary content at byte {offset}); pass a CSV, XLSX or Parquet export";
    FileUtf16WithoutBom =>
        "{path}：看起来是没有字节序标记（BOM）的 UTF-16；请另存为 UTF-8 或带 BOM 的 UTF-16",
        "{path}: looks like UTF-16 without a byte-order mark; re-save it as UTF-8 or UTF-16 with BOM";
    FileMissingColumn =>
        "{path}：第1行：`{table}` 表需要 `{column}` 列（可用的表头：{aliases}）；实际表头：{found}。请改正表头，或确认该文件确是 {table} 表、分隔符正确",
        "{path}: line 1: table `{table}` needs column `{column}` (accepted headers: {aliases}); found: {found}. Rename the header or check that this file is the {table} table and that the delimiter is right";
    FileAmbiguousHeader =>
        "{path}：第1行，第 {first} 列和第 {second} 列：两个表头都表示 `{column}`；请删去其中一列",
        "{path}: line 1, columns {first} and {second}: both headers mean `{column}`; remove one of them";
    FileHeaderDecode =>
        "{path}：第1行：表头无法解码；请将文件另存为 UTF-8 或 GB18030",
        "{path}: line 1: the header could not be decoded; save the file as UTF-8 or GB18030";
    FileNoPersons =>
        "{path}：只有表头没有数据行，而 `persons`（人员）表不能为空",
        "{path}: the header has no data rows, and the `persons` table cannot be empty";
    FileXlsx =>
        "{path}：无法读取工作簿：{error}",
        "{path}: cannot read the workbook: {error}";
    FileNoSheet =>
        "{path}：没有名为 `{sheet}` 的工作表；工作簿中有：{available}",
        "{path}: no sheet named `{sheet}`; the workbook has: {available}";
    FileParquet =>
        "{path}：无法读取 Parquet：{error}",
        "{path}: cannot read Parquet: {error}";
    FileRejectRate =>
        "{path}：{read} 行中有 {quarantined} 行（{pct}%）被隔离，超过允许的 {limit_pct}%。可能原因：{cause}。请查看 quarantine/{table}.csv（或运行 `jindu check`），修正导出文件，或用 --max-reject-rate 提高上限",
        "{path}: {quarantined} of {read} rows ({pct}%) were quarantined, more than the allowed {limit_pct}%. Likely cause: {cause}. Look at quarantine/{table}.csv (or run `jindu check`), fix the export, or raise the limit with --max-reject-rate";
    ParquetDamaged =>
        "文件已损坏（{detail}）",
        "damaged file ({detail})";
    ParquetDamagedColumn =>
        "文件已损坏（某列有 {values} 个值，而行数为 {rows}）",
        "damaged file (a column of {values} values in {rows} rows)";
    CauseEncoding =>
        "编码错误（试试 --encoding gb18030 或 --encoding utf-8）",
        "wrong encoding (try --encoding gb18030 or --encoding utf-8)";
    CauseDelimiter =>
        "分隔符错误，或未加引号的字段中含有分隔符",
        "wrong delimiter, or delimiters inside unquoted fields";
    CauseReference =>
        "被引用的表缺失或来自另一次导出",
        "the referenced table is missing or comes from another export";
    CauseIdMangled =>
        "身份证号列被表格软件存成了数字",
        "the ID column was saved as numbers by a spreadsheet";
    CauseQuoting =>
        "引号损坏（文件被截断或被手工修改）",
        "broken quoting (a truncated or hand-edited file)";
    CauseHeaderMapping =>
        "表头对应错误或表选错（各列内容与表头不符）",
        "wrong header mapping or wrong table (the columns hold other data than their headers say)";
    CauseUnknown =>
        "不明",
        "unknown";
    ImportNoPersonsTable =>
        "没有找到 `persons`（人员）表（文件名为 persons.csv、人员.csv 或 吸毒人员.csv，或用 --table persons=FILE 指定）；该表为必需",
        "no `persons` table found (file named persons.csv, 人员.csv or 吸毒人员.csv, or --table persons=FILE); it is required";
    ImportHeaderOnly =>
        "只有表头：文件中没有数据行",
        "header only: the file has no data rows";
    ImportAccounting =>
        "内部错误：{file} 的行数核对失败：读取 {read} ≠ 接收 {accepted} + 合并 {merged} + 隔离 {quarantined}",
        "internal error: row accounting failed for {file}: read {read} != accepted {accepted} + merged {merged} + quarantined {quarantined}";
    DiscoverNotFound =>
        "{path}：文件或文件夹不存在",
        "{path}: no such file or folder";
    DiscoverReadDir =>
        "{path}：无法列出文件夹内容：{error}",
        "{path}: cannot list the folder: {error}";
    SinkIo =>
        "{path}：{error}",
        "{path}: {error}";
    KeyRead =>
        "{path}：无法读取密钥文件：{error}",
        "{path}: cannot read the key file: {error}";
    KeyFormat =>
        "{path}：密钥文件应为 64 个十六进制字符（256 位密钥）；请用 `jindu keygen --out FILE` 生成",
        "{path}: a key file holds 64 hexadecimal characters (a 256-bit key); create one with `jindu keygen --out FILE`";
    KeyExists =>
        "{path} 已存在；jindu keygen 从不覆盖密钥（否则用它生成的假名将无法再关联）",
        "{path} already exists; jindu keygen never overwrites a key (pseudonyms made with it would no longer link)";
    KeyWrite =>
        "{path}：无法写入密钥文件：{error}",
        "{path}: cannot write the key file: {error}";
    KeyRandom =>
        "没有可用的随机数来源：{error}",
        "no random source available: {error}";

    // ---- The dataset folder.
    DatasetIo =>
        "{path}：{error}",
        "{path}: {error}";
    DatasetNotADataset =>
        "{path}：不是 jindu 数据集（没有 manifest.json）；请用 `jindu import` 创建",
        "{path}: not a jindu dataset (no manifest.json); create one with `jindu import`";
    DatasetManifest =>
        "{path}：无法读取清单文件：{error}",
        "{path}: the manifest cannot be read: {error}";
    DatasetBusy =>
        "{path}：另一个 jindu import 正在写入此数据集；请等待其完成（或换一个 --out）",
        "{path}: another jindu import is writing this dataset right now; wait for it to finish (or choose another --out)";
    OpenNotFound =>
        "{path}：数据集或导出文件夹不存在",
        "{path}: no such dataset or export folder";
    OpenKey =>
        "无法生成内存中的假名化密钥：{error}",
        "cannot create an in-memory pseudonymisation key: {error}";
    OpenInvalid =>
        "{path}：导出数据未通过校验",
        "{path}: the export failed validation";
    OpenRecordedAsOf =>
        "清单中的 as_of {value} 不是日期",
        "the manifest's as_of {value} is not a date";
    OpenNoPersons =>
        "数据中没有人员表；请导入包含人员表的导出数据",
        "the data has no persons table; import an export that contains one";
    OpenNoCutoff =>
        "数据中没有带日期的记录，因此没有数据截止日；请指定 --as-of",
        "the data has no dated records, so there is no data cutoff; pass --as-of";
    OpenPolars =>
        "读取 {table} 表：{error}",
        "reading table {table}: {error}";

    // ---- The data-quality report (jindu check, jindu import).
    ReportTitle =>
        "数据质量报告",
        "data-quality report";
    ReportTable =>
        "{table} 读取 {read}  接收 {accepted}  合并 {merged}  隔离 {quarantined}",
        "{table} read {read}  accepted {accepted}  merged {merged}  quarantined {quarantined}";
    ReportFile =>
        "  {path}（{format}）：读取 {read}，接收 {accepted}，合并 {merged}，隔离 {quarantined}",
        "  {path} ({format}): read {read}, accepted {accepted}, merged {merged}, quarantined {quarantined}";
    ReportFormatCsv =>
        "{encoding}，分隔符 '{delimiter}'",
        "{encoding}, delimiter '{delimiter}'";
    ReportFormatSheet =>
        "XLSX 工作表 '{sheet}'",
        "XLSX sheet '{sheet}'";
    ReportFormatUnread =>
        "未读取",
        "unread";
    ReportUnknownColumns =>
        "    未知列（未导入）：{columns}",
        "    unknown columns (not imported): {columns}";
    ReportIdContradictions =>
        "    警告：{count} 行的性别或出生日期与身份证号不符（保留单独填写的列）",
        "    warning: {count} rows have sex or birth date contradicting the ID number (explicit column kept)";
    ReportIdSuspectCut =>
        "    警告：{accepted} 个已接收的身份证号中有 {count} 个以 000 结尾（真实号码约 1100 个中才有 1 个）：该列很可能被表格软件截成了 15 位有效数字，而这些号码恰好校验位仍然正确。请在导出前将身份证号列设为文本格式",
        "    warning: {count} of {accepted} accepted ID numbers end in 000 (real ones do about once in 1,100): a spreadsheet has probably cut the column to 15 digits and these happen to keep a valid check character. Format the ID column as text before exporting";
    ReportCodeLine =>
        "    {code} {count}  例：第{line}行：{message}",
        "    {code} {count}  e.g. line {line}: {message}";
    ReportMoreCodes =>
        "    … 另有 {count} 种错误代码",
        "    … {count} more error codes";
    ReportFileWarning =>
        "    警告：{warning}",
        "    warning: {warning}";
    ReportFileError =>
        "    错误：{error}",
        "    ERROR: {error}";
    ReportUnknownRegions =>
        "  警告：{count} 个区划代码不在区划表中（已保留，按前缀归属）：{list}{more}",
        "  warning: {count} region codes unknown to the region table (kept, attributed by prefix): {list}{more}";
    ReportMoreRegions =>
        "，… 另有 {count} 个",
        ", … {count} more";
    ReportIgnored =>
        "忽略的文件（文件名不对应任何表）：{files}",
        "ignored files (no table name): {files}";
    ReportCutoffAsOf =>
        "数据截止日 C：{date}（--as-of）",
        "data cutoff C: {date} (--as-of)";
    ReportCutoffLatest =>
        "数据截止日 C：{date}（最近记录日期）",
        "data cutoff C: {date} (latest record date)";
    ReportCutoffNone =>
        "无",
        "none";
    ReportFailed =>
        "结果：失败（{count} 个问题）",
        "RESULT: FAILED ({count} problems)";
    ReportOk =>
        "结果：通过",
        "RESULT: OK";

    // ---- Command line: errors, warnings, results and progress.
    CliError =>
        "错误：{error}",
        "error: {error}";
    WarnMetricNeedsTable =>
        "指标 {id}（{zh}）需要数据中没有的表 {tables}：不输出该指标",
        "metric {id} ({zh}) needs the table(s) {tables}, which the data does not have: no rows written for it";
    WarnComplianceNoMonths =>
        "指标 test_compliance（检测履约率）按自然季度计算，月份不含完整季度：--period month 时不输出该指标（请用 --period quarter 或 year）",
        "metric test_compliance (检测履约率) counts calendar quarters, and a month contains none: no rows written for it with --period month (use --period quarter or year)";
    WarnYearOnlyMetric =>
        "指标 {id} 仅按年度计算：--period {period} 时不输出该指标",
        "metric {id} exists for years only: no rows written for it with --period {period}";
    WarnNoPopulation =>
        "{span} 有 {count} 个地区没有人口数（见 DATA.md 人口表；虚拟地区和未知代码没有人口）：{regions}；这些地区的 existing_per_10k 和 new_users_per_100k 值为空，分子照常输出",
        "no population for {count} region(s) in {span} (population table of DATA.md; pseudo-regions and unknown codes have none): {regions}; existing_per_10k and new_users_per_100k have empty values there, their numerators are still written";
    WarnNoPopulationMore =>
        "{span} 有 {count} 个地区没有人口数（见 DATA.md 人口表；虚拟地区和未知代码没有人口）：{regions} 等另 {more} 个；这些地区的 existing_per_10k 和 new_users_per_100k 值为空，分子照常输出",
        "no population for {count} region(s) in {span} (population table of DATA.md; pseudo-regions and unknown codes have none): {regions} and {more} more; existing_per_10k and new_users_per_100k have empty values there, their numerators are still written";
    CliWarning =>
        "警告：{warning}",
        "warning: {warning}";
    ProgressReading =>
        "正在读取 {file}：{rows} 行",
        "reading {file}: {rows} rows";
    ProgressImportedInMemory =>
        "已在内存中导入 {path}：读取 {read} 行，隔离 {quarantined} 行（详情请运行 `jindu check {path}`）",
        "imported {path} in memory: {read} rows read, {quarantined} quarantined (run `jindu check {path}` for details)";
    ProgressReadingTables =>
        "正在读取规范化数据表",
        "reading the canonical tables";
    ProgressComputingMetrics =>
        "正在为 {count} 名人员计算指标",
        "computing metrics for {count} persons";
    ProgressRowsWritten =>
        "已写入 {count} 行",
        "{count} rows written";
    CliWriting =>
        "写入 {path}",
        "writing {path}";
    CliNotAFileName =>
        "{path}：不是文件名",
        "{path}: not a file name";
    CliBinaryNeedsOut =>
        "--format {format} 输出二进制文件：请加上 --out FILE",
        "--format {format} writes a binary file: add --out FILE";
    CliAsOfNotDate =>
        "--as-of {value} 不是日期（{reason}）；请写成 YYYY-MM-DD",
        "--as-of {value} is not a date ({reason}); write it as YYYY-MM-DD";
    CliRateSyntax =>
        "--max-reject-rate {value}：请给出小数（如 0.02）或百分比（如 2%）",
        "--max-reject-rate {value}: give a fraction like 0.02 or a percentage like 2%";
    CliRateRange =>
        "--max-reject-rate {value} 必须在 0 到 1 之间（或 0% 到 100%）",
        "--max-reject-rate {value} must be between 0 and 1 (or 0% and 100%)";
    CliTableSyntax =>
        "--table {value}：请写成 NAME=FILE",
        "--table {value}: write it as NAME=FILE";
    CliTableUnknown =>
        "--table {value}：未知的表 {name}；可用的表：{tables}",
        "--table {value}: unknown table {name}; tables are {tables}";
    CliEncodingUnknown =>
        "--encoding {value}：请使用 utf-8、gb18030、utf-16le 或 utf-16be",
        "--encoding {value}: use utf-8, gb18030, utf-16le or utf-16be";
    CliExportInvalid =>
        "{path}：导出数据未通过校验",
        "{path}: the export failed validation";
    CliNoKeyFile =>
        "警告：未指定 --key-file（或 JINDU_KEY_FILE）：本次运行使用随机密钥，生成的假名无法与其他导入关联。请用 `jindu keygen --out FILE` 生成一次密钥并妥善保管。",
        "warning: no --key-file (or JINDU_KEY_FILE) given: using a random key for this run only; pseudonyms will not link to other imports. Create a key once with `jindu keygen --out FILE` and keep it safe.";
    CliImportQuarantineKept =>
        "本次失败导入的隔离记录在 {path}",
        "the quarantined rows of this failed import are in {path}";
    CliImportFailed =>
        "导入失败；未写入 {path}（该处已有的数据集保持不变）",
        "import failed; {path} was not written (an existing dataset there is unchanged)";
    CliDatasetWritten =>
        "数据集已写入 {path}",
        "dataset written to {path}";
    CliKeyWritten =>
        "密钥已写入 {path}（密钥标识 {id}）；请妥善保管，不要放入版本控制",
        "key written to {path} (key id {id}); keep it safe and out of version control";
    CliSampleFile =>
        "{table} {rows} 行  {path}",
        "{table} {rows} rows  {path}";
    CliSampleSummary =>
        "{persons} 名人员，{rows} 行，用时 {secs} 秒（每秒 {rate} 行）",
        "{persons} persons, {rows} rows in {secs} s ({rate} rows/s)";
    CliSampleWritten =>
        "合成数据集已写入 {path}",
        "synthetic dataset written to {path}";
    CliUnknownMetric =>
        "--metric {value} 不是指标；可用的指标：{metrics}",
        "--metric {value} is not a metric; metrics are: {metrics}";
    CliRegionSyntax =>
        "--region {value}：请给出 6 位（省、市或县）或 9 位（乡镇）代码",
        "--region {value}: give a 6-digit (province, city or county) or 9-digit (township) code";
    CliRegionCoarser =>
        "--region {region} 是{region_level}级，而 --level {level} 更粗；请选择 --level {region_level} 或更细的级别",
        "--region {region} is a {region_level} but --level {level} is coarser; choose --level {region_level} or finer";
    CliFromAfterTo =>
        "--from {from} 晚于 --to {to}",
        "--from {from} is after --to {to}";
    CliAuditFailed =>
        "{first}（另有 {more} 处）：未写入任何内容；这是 jindu 的缺陷，请报告",
        "{first} (and {more} more): nothing was written; this is a bug in jindu, please report it";
    CliQueryAuditFailed =>
        "披露审核：{first}（另有 {more} 处）：未写入任何内容；这是 jindu 的缺陷，请报告",
        "disclosure audit: {first} (and {more} more): nothing was written; this is a bug in jindu, please report it";
    CliQueryNeedsArgs =>
        "请给出 DATA 和查询（SQL 文本或已保存的查询），或使用 --list",
        "give DATA and a query (SQL text or a saved query), or --list";
    CliQueryUnknownSaved =>
        "没有已保存的查询 {name}；已保存的查询有：{names}（见 jindu query --list）",
        "no saved query {name}; saved queries are: {names} (see jindu query --list)";
    CliQueryParamDate =>
        "--param date={value}：不是日期；请写成 YYYY-MM-DD",
        "--param date={value}: not a date; write it as YYYY-MM-DD";
    CliQueryDateAfterCutoff =>
        "--param date={date} 晚于数据截止日 C = {cutoff}",
        "--param date={date} is after the data cutoff C = {cutoff}";
    CliQueryNoCountColumns =>
        "警告：--publish 没有找到计数列（除年份、年龄和时长以外的整数列）；未隐藏任何数值",
        "warning: --publish found no count columns (integer columns other than years, ages and durations); nothing was suppressed";
    CliQueryRequired =>
        "（必填）",
        " (required)";
    CliCohortWindow =>
        "--window 至少为 1 天",
        "--window must be at least 1 day";
    CliCohortEmpty =>
        "警告：{year} 年的 {entry} 队列没有人入组",
        "warning: nobody entered the {entry} cohort of {year}";
    CliCohortChartSvg =>
        "--chart {path}：只能写出 SVG 图（请使用 .svg 文件名）",
        "--chart {path}: only SVG charts are written (use a .svg name)";

    // ---- Help of the commands (clap), applied by `cli::help` in either language.
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
    QueryHeader =>
        "{origin}：文件头第 {line} 行：{message}",
        "{origin}: header line {line}: {message}";
    QueryMissingParam =>
        "缺少参数 {name}：查询用到 {{name}}，但没有给出 --param {name}=值{hint}",
        "missing parameter {name}: the query uses {{name}} but no --param {name}=VALUE was given{hint}";
    QueryBadValue =>
        "参数 --param {name}={value} 有误：{message}",
        "--param {name}={value}: {message}";
    QueryUnknownParam =>
        "--param {name}：此查询没有参数 {name}；它的参数是：{known}",
        "--param {name}: this query has no parameter {name}; its parameters are: {known}";
    QueryParamSyntax =>
        "--param {param}：应写成 名称=值（即席 SQL 可写 名称:类型=值）",
        "--param {param}: write it as NAME=VALUE (or NAME:TYPE=VALUE for ad-hoc SQL)";
    QuerySqlParse =>
        "SQL 无法解析：{detail}",
        "the SQL does not parse: {detail}";
    QueryUnknownTable =>
        "未知的表 {table}；可用的表：{tables}",
        "unknown table {table}; tables are: {tables}";
    QueryAbsentTable =>
        "数据中没有 {table} 表；可用的表：{tables}",
        "unknown table \"{table}\" (the data has no {table} table); tables are: {tables}";
    QueryUnknownColumn =>
        "未知的列 {column}；各表的列：\n  {columns}",
        "unknown column {column}; the columns are\n  {columns}";
    QueryUnknownColumnDetail =>
        "未知的列 {column}：{detail}",
        "unknown column {column}: {detail}";
    QueryFailed =>
        "查询失败：{detail}",
        "query failed: {detail}";
    QueryListsPersons =>
        "--publish 只用于汇总结果，但此结果逐人列出（含 person_id 列）；请分组（GROUP BY … 并用 COUNT(*) AS n）或去掉 --publish",
        "--publish is for aggregate results, but this result lists persons (column person_id); group it (GROUP BY … with COUNT(*) AS n) or leave out --publish";
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
    ServeBanner =>
        "jindu serve：请打开 {url}\n正在监听 {addr}（按 Ctrl-C 停止）",
        "jindu serve: open {url}\nlistening on {addr} (Ctrl-C stops the server)";
    ServeRawMode =>
        "原始模式：没有披露控制",
        "RAW MODE: no disclosure control";
    ServeWarnListen =>
        "正在监听 {addr}：其他计算机可以访问工作台（仍需令牌）",
        "listening on {addr}: other machines can reach the workbench (they still need the token)";
    ServeBadThreshold =>
        "--threshold 至少为 1",
        "--threshold must be at least 1";
    ServeBadLimits =>
        "--max-upload-mb、--query-timeout 和 --max-rows 至少为 1",
        "--max-upload-mb, --query-timeout and --max-rows must be at least 1";
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
