"""The ``xlreports`` command.  Messages are Chinese; exit code 1 means a workbook had errors.

Imports of pandas, openpyxl and xlsxwriter are deferred to the commands that need them, so that
``xlreports --help`` answers at once.
"""

from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from . import __version__

DEFAULT_INPUT = Path("input")
DEFAULT_OUTPUT = Path("output")


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 0
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("\n已中断。", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: a message, never a traceback
        if os.environ.get("XLREPORTS_DEBUG"):
            traceback.print_exc()
        print(f"意外错误：{type(exc).__name__}: {exc}\n这可能是程序缺陷；请把输入文件和这段信息反馈给维护者"
              "（设置环境变量 XLREPORTS_DEBUG=1 可显示详细信息）。", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xlreports",
        description="用一个填报工作簿生成全部官方绩效表格（绩效目标表、经费安排表、自评表等）。",
    )
    parser.add_argument("--version", action="version", version=f"xlreports {__version__}")
    commands = parser.add_subparsers(title="命令", metavar="命令")

    build = commands.add_parser("build", help="生成表格：把 input/ 中的工作簿填入官方表格，写到 output/",
                                description="把填报工作簿填入所有能填的官方表格。")
    build.add_argument("inputs", nargs="*", type=Path, metavar="INPUT",
                       help="要处理的工作簿（默认：input/ 中的全部 .xlsx）")
    build.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, metavar="OUTDIR",
                       help="输出文件夹（默认：output/）")
    build.add_argument("--templates", type=Path, metavar="DIR", help="使用这个文件夹中的模板（默认：自带模板）")
    build.add_argument("--split", choices=["地市", "无"], default=None,
                       help="按地市另存每个地市的文件到 地市/ 文件夹（默认：有「资金分配」时按地市拆分）")
    build.add_argument("-j", "--jobs", type=int, default=None, metavar="N",
                       help="同时工作的进程数（默认：CPU 核数）；多个工作簿时并行处理，某个工作簿出错不影响其他工作簿")
    build.set_defaults(run=_build)

    check = commands.add_parser("check", help="只检查工作簿，不生成文件", description="检查填报工作簿，列出全部问题。")
    check.add_argument("inputs", nargs="+", type=Path, metavar="INPUT", help="要检查的工作簿")
    check.add_argument("--templates", type=Path, metavar="DIR", help="同时用这个文件夹中的模板试填")
    check.set_defaults(run=_check)

    init = commands.add_parser("init", help="生成一个空白的填报工作簿（带表头、下拉选项和说明）",
                               description="生成空白填报工作簿。")
    init.add_argument("path", nargs="?", type=Path, default=DEFAULT_INPUT / "填报工作簿.xlsx",
                      help="保存位置（默认：input/填报工作簿.xlsx）")
    init.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    init.set_defaults(run=_init)

    imports = commands.add_parser(
        "import", help="导入已有的项目支出绩效目标表（.xlsx 或制表符分隔的文本），生成填报工作簿",
        description="把已有的项目支出绩效目标表（含转移支付项目）转换为填报工作簿：「文件信息」「项目」「指标」。")
    imports.add_argument("source", type=Path, metavar="SOURCE", help="已有的表格：.xlsx 工作簿，或制表符分隔的文本（.txt）")
    imports.add_argument("-o", "--output", type=Path, metavar="WORKBOOK",
                         help="保存的填报工作簿（默认：input/<部门名称>.xlsx）")
    imports.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    imports.set_defaults(run=_import)
    _add_send(commands)
    templates = commands.add_parser(
        "templates", help="列出并检查模板文件夹中的表格模板（不需要填报工作簿）",
        description="列出每个表格模板的工作表、命令和用到的数据，并检查表达式、名称和命令的位置；--dump 以文字列出模板内容。")
    templates.add_argument("folder", nargs="?", type=Path, metavar="DIR", help="模板文件夹或一个模板文件（默认：自带模板）")
    templates.add_argument("--dump", action="store_true", help="以纯文字列出每个模板的单元格、公式和批注（便于审阅和比较）")
    templates.set_defaults(run=_inspect)
    return parser


def _add_send(commands) -> None:
    send = commands.add_parser(
        "send", help="把输出文件夹中的文件用邮件发给各收件单位（每个收件人只发一次）",
        description="按填报工作簿的「收件人」工作表，把 output/<工作簿名>/ 中属于各地市的文件发给各收件单位。"
                    "发送记录保存在输出文件夹的 发送记录.json 中，再次运行只发送还没有发出的邮件。")
    send.add_argument("output_dir", type=Path, metavar="OUTPUT_DIR", help="一个工作簿的输出文件夹，例如 output/资金名称")
    send.add_argument("--recipients", type=Path, metavar="WORKBOOK",
                      help="包含「收件人」工作表的工作簿（默认：input/ 中与输出文件夹同名的工作簿）")
    send.add_argument("--dry-run", action="store_true",
                      help="只列出发送计划并把邮件写成 .eml 预览（邮件预览/），不连接邮件服务器")
    send.add_argument("--resend", action="store_true", help="重新发送发出后文件已改变的邮件")
    send.add_argument("--config", type=Path, metavar="FILE", help="邮件服务器设置文件（默认：当前文件夹的 xlreports-mail.toml）")
    send.add_argument("--templates", type=Path, metavar="DIR", help="使用这个文件夹中的 mail/ 邮件模板（默认：自带模板）")
    send.set_defaults(run=_send)


def _send(args) -> int:
    from .distribute.send import SendOptions, send

    return send(SendOptions(args.output_dir, recipients=args.recipients, dry_run=args.dry_run, resend=args.resend,
                            config=args.config, templates=args.templates))


def _inputs(paths: list[Path]) -> list[Path] | None:
    from .build import find_inputs

    if paths:
        return paths
    if not DEFAULT_INPUT.is_dir():
        print(f"找不到 {DEFAULT_INPUT}/ 文件夹：请把填报工作簿放在 {DEFAULT_INPUT}/ 中，或在命令后写出文件路径。",
              file=sys.stderr)
        return None
    found = find_inputs(DEFAULT_INPUT)
    if not found:
        print(f"{DEFAULT_INPUT}/ 中没有 .xlsx 工作簿（可以用 xlreports init 生成一个空白工作簿）。", file=sys.stderr)
        return None
    return found


def _templates(args) -> Path | None:
    from .resources import default_templates_dir

    folder = args.templates or default_templates_dir()
    if not folder.is_dir():
        print(f"模板文件夹不存在：{folder}", file=sys.stderr)
        return None
    return folder


def _inspect(args) -> int:
    from .forms.inspect import main
    from .resources import default_templates_dir

    return main(args.folder or default_templates_dir(), args.dump)


def _build(args) -> int:
    from .build import build_many

    inputs = _inputs(args.inputs)
    templates = _templates(args)
    if inputs is None or templates is None:
        return 1
    split = {"地市": "地市", "无": None}.get(args.split, "auto")
    workers = max(1, args.jobs or os.cpu_count() or 1)
    reports = build_many(inputs, args.output, templates, split=split, workers=workers)
    for report in reports:
        _print_report(report, check_only=False)
    failed = sum(report.failed for report in reports)
    written = sum(len(report.outputs) + len(report.city_files) for report in reports)
    summary = f"完成：处理 {len(inputs)} 个工作簿，生成 {written} 个文件"
    if failed:
        summary += f"，{failed} 个工作簿有错误（未生成文件）"
    print(summary)
    return 1 if failed else 0


def _check(args) -> int:
    from .build import build
    from .resources import default_templates_dir

    templates = args.templates or default_templates_dir()
    failed = 0
    for source in args.inputs:
        report = build(source, DEFAULT_OUTPUT, templates, write=False)
        _print_report(report, check_only=True)
        failed += report.failed
    return 1 if failed else 0


def _init(args) -> int:
    from .blank import write_blank_workbook

    if args.path.exists() and not args.force:
        print(f"{args.path} 已存在；如要覆盖请加 --force。", file=sys.stderr)
        return 1
    write_blank_workbook(args.path)
    print(f"已生成空白填报工作簿：{args.path}\n填写后运行 xlreports build 生成表格。")
    return 0


def _import(args) -> int:
    from .importer import import_form, write_input_workbook
    from .problems import Problems

    problems = Problems()
    form = import_form(args.source, problems)
    name = _show_path(args.source)
    if form is None or problems.has_errors():
        print(f"✗ {name}：{len(problems.errors)} 个错误，未生成工作簿", file=sys.stderr)
        for problem in problems.errors:
            print(f"  错误：{problem}", file=sys.stderr)
        for problem in problems.warnings:
            print(f"  警告：{problem}", file=sys.stderr)
        return 1
    target = args.output or DEFAULT_INPUT / f"{_file_stem(form.department or args.source.stem)}.xlsx"
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    if target.exists() and not args.force:
        print(f"{_show_path(target)} 已存在；如要覆盖请加 --force，或用 -o 指定另一个文件。", file=sys.stderr)
        return 1
    write_input_workbook(form, target)
    print(f"✓ {name}：导入 {len(form.projects)} 个项目（{len(form.units)} 个资金使用单位）、{form.indicator_count} 个指标")
    print(f"  已生成 {_show_path(target)}")
    for problem in problems.warnings:
        print(f"  警告：{problem}")
    print(f"下一步：xlreports build {_show_path(target)}")
    return 0


def _file_stem(text: str) -> str:
    import re

    return re.sub(r'[\\/:*?"<>|\s]+', "_", text).strip("._") or "导入"


def _print_report(report, check_only: bool) -> None:
    name = _show_path(report.source)
    if report.failed:
        errors = report.problems.errors
        print(f"✗ {name}：{len(errors)} 个错误，未生成任何文件", file=sys.stderr)
        for problem in errors:
            print(f"  错误：{problem}", file=sys.stderr)
    elif check_only:
        print(f"✓ {name}：检查通过，可以生成 {report.forms} 个表格")
    else:
        print(f"✓ {name}")
        for path in report.outputs:
            print(f"  已生成 {_show_path(path)}")
        if report.city_files:
            folder = _show_path(report.city_files[0].parent)
            names = "、".join(p.stem for p in report.city_files)
            print(f"  已生成 {len(report.city_files)} 个地市文件（{folder}/）：{names}")
        if not report.outputs:
            print("  这个工作簿没有可以填的表格（检查工作表名称是否与说明一致）")
    for problem in report.problems.warnings:
        print(f"  警告：{problem}")


def _show_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
