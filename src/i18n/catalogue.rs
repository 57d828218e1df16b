//! The message catalogue: every user-facing message of jindu, keyed by [`Msg`], in
//! Chinese and English with the same `{named}` parameters. Grouped by where the
//! message appears: row problems (the quarantine reasons, one per error code), details
//! of row problems, file and import errors, the data-quality report, command-line
//! errors, warnings and progress, queries and the workbench. The help of the commands
//! is the other catalogue, [`super::help_text`].
//!
//! A message never carries a raw value of a row (an ID number, a name): parameters are
//! paths, line and column numbers, counts, codes and option values.

/// Defines a catalogue enum `$name` (its entries, `ALL`, `id`, `zh`, `en`, and the
/// rendering of an entry in a language: `template`, `render`, `text`). Used for the
/// messages ([`Msg`], here) and the help of the commands ([`super::help_text::Help`]).
macro_rules! catalogue {
    ($name:ident; $( $(#[$m:meta])* $id:ident => $zh:literal, $en:literal; )*) => {
        /// A catalogue entry.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$m])* $id,)*
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$id,)*];

            /// The entry's id (its name here).
            pub fn id(self) -> &'static str {
                match self {
                    $($name::$id => stringify!($id),)*
                }
            }

            pub fn zh(self) -> &'static str {
                match self {
                    $($name::$id => $zh,)*
                }
            }

            pub fn en(self) -> &'static str {
                match self {
                    $($name::$id => $en,)*
                }
            }

            /// The entry's text in `lang`.
            pub fn template(self, lang: $crate::i18n::Lang) -> &'static str {
                match lang {
                    $crate::i18n::Lang::Zh => self.zh(),
                    $crate::i18n::Lang::En => self.en(),
                }
            }

            /// The entry in `lang` with its `{name}` parameters filled in.
            pub fn render(
                self,
                lang: $crate::i18n::Lang,
                params: &$crate::i18n::Params<'_>,
            ) -> String {
                $crate::i18n::fill(self.template(lang), params)
            }

            /// The entry in both languages.
            pub fn text(self, params: &$crate::i18n::Params<'_>) -> $crate::i18n::Text {
                $crate::i18n::Text {
                    zh: self.render($crate::i18n::Lang::Zh, params),
                    en: self.render($crate::i18n::Lang::En, params),
                }
            }
        }
    };
}

pub(crate) use catalogue;

catalogue! {
    Msg;

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

    // ---- Queries and the workbench (jindu query, jindu serve).
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

}
