//! The command line in the chosen language: the clap command of [`super::Cli`] with
//! every summary and option help taken from the message catalogue, Chinese headings
//! when the language is Chinese, and the global `--lang zh|en` option (on every command
//! but `report`, whose own `--lang` chooses the bulletin's language and, when given,
//! also that of the messages).

use clap::{Arg, ArgAction, Command, CommandFactory};

use crate::i18n::{Help, Lang};

/// The help of argument `id` of subcommand `cmd` (`""` for the top level).
pub fn help_msg(cmd: &str, id: &str) -> Option<Help> {
    use Help::*;
    Some(match (cmd, id) {
        (_, "help") => HelpFlagHelp,
        (_, "version") => HelpFlagVersion,
        (_, "ui_lang") => HelpLang,
        (_, "exports") => HelpExports,
        (_, "tables") => HelpTable,
        (_, "encoding") => HelpEncoding,
        (_, "sheet") => HelpSheet,
        (_, "max_reject_rate") => HelpMaxRejectRate,
        (_, "max_record_bytes") => HelpMaxRecordBytes,
        ("check" | "import", "as_of") => HelpReadAsOf,
        (_, "as_of") => HelpOutputAsOf,
        ("check", "format") => HelpCheckFormat,
        ("sample", "format") => HelpSampleFormat,
        (_, "format") => HelpOutputFormat,
        ("import", "out") => HelpImportOut,
        ("keygen", "out") => HelpKeygenOut,
        ("sample", "out") => HelpSampleOut,
        ("report", "out") => HelpReportOut,
        (_, "out") => HelpOutputOut,
        (_, "key_file") => HelpKeyFile,
        ("report", "data") => HelpReportData,
        ("query" | "cohort", "data") => HelpQueryData,
        (_, "data") => HelpData,
        (_, "metrics") => HelpMetric,
        (_, "level") => HelpLevel,
        ("report", "period") => HelpReportPeriod,
        ("report", "period_label") => HelpReportPeriodLabel,
        (_, "period") => HelpPeriod,
        ("report", "region") => HelpReportRegion,
        (_, "region") => HelpRegionWithin,
        (_, "from") => HelpFrom,
        (_, "to") => HelpTo,
        (_, "publish") => HelpPublish,
        ("report", "threshold") => HelpReportThreshold,
        (_, "threshold") => HelpPublishThreshold,
        (_, "scale") => HelpScale,
        (_, "seed") => HelpSeed,
        (_, "dirty") => HelpDirty,
        (_, "template") => HelpTemplate,
        (_, "year") => HelpYear,
        ("report", "lang") => HelpReportLang,
        (_, "each") => HelpEach,
        (_, "templates") => HelpTemplates,
        (_, "font_path") => HelpFontPath,
        (_, "query") => HelpQueryText,
        (_, "params") => HelpParam,
        (_, "list") => HelpList,
        (_, "queries") => HelpQueries,
        (_, "entry") => HelpEntry,
        (_, "entered") => HelpEntered,
        (_, "by") => HelpBy,
        (_, "window") => HelpWindow,
        (_, "chart") => HelpChart,
        ("report", "set") => HelpReportSet,
        ("report", "raw") => HelpReportRaw,
        ("init", "dir") => HelpTemplatesDir,
        ("init", "force") => HelpTemplatesForce,
        ("serve", "workspace") => HelpServeWorkspace,
        ("serve", "port") => HelpServePort,
        ("serve", "no_open") => HelpServeNoOpen,
        ("serve", "listen") => HelpServeListen,
        ("serve", "raw") => HelpServeRaw,
        ("serve", "max_upload_mb") => HelpServeMaxUpload,
        ("serve", "query_timeout") => HelpServeQueryTimeout,
        ("serve", "max_rows") => HelpServeMaxRows,
        _ => return None,
    })
}

/// The summary of subcommand `name`.
pub fn about_msg(name: &str) -> Option<Help> {
    use Help::*;
    Some(match name {
        "check" => HelpCheck,
        "import" => HelpImport,
        "keygen" => HelpKeygen,
        "metrics" => HelpMetrics,
        "sample" => HelpSample,
        "report" => HelpReport,
        "query" => HelpQuery,
        "cohort" => HelpCohort,
        "serve" => HelpServe,
        "templates" => HelpTemplatesCmd,
        "init" => HelpTemplatesInit,
        "help" => HelpSubcommandHelp,
        _ => return None,
    })
}

/// The `--lang` option of the messages (its value was already read by
/// [`crate::i18n::select`]; clap only checks it).
fn lang_arg() -> Arg {
    Arg::new("ui_lang")
        .long("lang")
        .value_name("zh|en")
        .value_parser(["zh", "en"])
        .action(ArgAction::Set)
}

/// The clap command with summaries, option help and headings in `lang`.
pub fn command(lang: Lang) -> Command {
    let mut cmd = super::Cli::command().arg(lang_arg());
    for name in subcommand_names(&cmd) {
        if name != "report" {
            cmd = cmd.mut_subcommand(name, |sc| sc.arg(lang_arg()));
        }
    }
    cmd.build();
    localize(cmd, "", lang)
}

fn subcommand_names(cmd: &Command) -> Vec<String> {
    cmd.get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect()
}

fn localize(mut cmd: Command, name: &str, lang: Lang) -> Command {
    let about = if name.is_empty() {
        Some(Help::HelpAbout)
    } else {
        about_msg(name)
    };
    if let Some(m) = about {
        cmd = cmd.about(m.template(lang)).long_about(None::<&str>);
    }
    let ids: Vec<(String, bool)> = cmd
        .get_arguments()
        .map(|a| (a.get_id().to_string(), a.is_positional()))
        .collect();
    for (id, positional) in ids {
        let help = help_msg(name, &id);
        cmd = cmd.mut_arg(&id, |mut a| {
            if let Some(m) = help {
                a = a.help(m.template(lang)).long_help(None::<&str>);
            }
            if lang == Lang::Zh && a.get_action().takes_values() {
                // clap writes "[default: …]" and "[possible values: …]" in English.
                let mut help = a.get_help().map(|h| h.to_string()).unwrap_or_default();
                let defaults: Vec<String> = a
                    .get_default_values()
                    .iter()
                    .map(|v| v.to_string_lossy().into_owned())
                    .collect();
                let values: Vec<String> = a
                    .get_possible_values()
                    .iter()
                    .filter(|v| !v.is_hide_set())
                    .map(|v| v.get_name().to_string())
                    .collect();
                if !defaults.is_empty() && !a.is_hide_default_value_set() {
                    let value = defaults.join(", ");
                    help.push(' ');
                    help.push_str(&Help::HelpDefault.render(lang, &[("value", &value)]));
                    a = a.hide_default_value(true);
                }
                if !values.is_empty() && !a.is_hide_possible_values_set() {
                    let values = values.join(", ");
                    help.push(' ');
                    help.push_str(&Help::HelpPossibleValues.render(lang, &[("values", &values)]));
                    a = a.hide_possible_values(true);
                }
                a = a.help(help);
            }
            if lang == Lang::Zh {
                let heading = if positional {
                    Help::HelpHeadingArguments
                } else {
                    Help::HelpHeadingOptions
                };
                a = a.help_heading(heading.template(lang));
            }
            a
        });
    }
    if lang == Lang::Zh {
        cmd = cmd
            .subcommand_help_heading(Help::HelpHeadingCommands.template(lang))
            .help_template(format!(
                "{{about-with-newline}}\n{} {{usage}}\n\n{{all-args}}{{after-help}}",
                Help::HelpHeadingUsage.template(lang)
            ));
    }
    for sub in subcommand_names(&cmd) {
        cmd = cmd.mut_subcommand(&sub, |sc| localize(sc, &sub, lang));
    }
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and every option has its help in the catalogue (a new option
    /// without an entry fails here).
    #[test]
    fn every_command_and_option_has_catalogue_help() {
        let cmd = command(Lang::En);
        let mut missing = Vec::new();
        for a in cmd.get_arguments() {
            if help_msg("", a.get_id().as_str()).is_none() {
                missing.push(format!("jindu {}", a.get_id()));
            }
        }
        for sc in cmd.get_subcommands() {
            let name = sc.get_name();
            if about_msg(name).is_none() {
                missing.push(name.to_string());
            }
            for a in sc.get_arguments().filter(|_| name != "help") {
                if help_msg(name, a.get_id().as_str()).is_none() {
                    missing.push(format!("{name} {}", a.get_id()));
                }
            }
        }
        assert!(missing.is_empty(), "no catalogue help for: {missing:?}");
    }

    #[test]
    fn help_is_in_the_chosen_language() {
        let mut zh = command(Lang::Zh);
        let check = zh.find_subcommand_mut("check").unwrap();
        let text = check.render_help().to_string();
        assert!(text.contains("校验导出数据但不写入数据集"), "{text}");
        assert!(text.contains("用法:") && text.contains("选项"), "{text}");
        assert!(text.contains("--lang <zh|en>"), "{text}");
        let mut en = command(Lang::En);
        let text = en.find_subcommand_mut("check").unwrap().render_help();
        let text = text.to_string();
        assert!(text.contains("Validate an export"), "{text}");
        assert!(!text.contains("校验"), "{text}");
    }

    /// `report --lang` stays the bulletin's option (default zh), not the messages' one.
    #[test]
    fn report_keeps_its_own_lang_option() {
        let cmd = command(Lang::En);
        let report = cmd.find_subcommand("report").unwrap();
        let langs: Vec<_> = report
            .get_arguments()
            .filter(|a| a.get_long() == Some("lang"))
            .collect();
        assert_eq!(langs.len(), 1);
        assert_eq!(langs[0].get_id().as_str(), "lang");
        assert_eq!(langs[0].get_default_values(), ["zh"]);
    }
}
