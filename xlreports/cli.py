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
    from .terminal import VisibleStream

    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = VisibleStream(stdout), VisibleStream(stderr)  # no control character from a file
    try:
        return _main(argv)
    finally:
        sys.stdout, sys.stderr = stdout, stderr


def _main(argv: list[str] | None) -> int:
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
    except MemoryError:
        print("内存不足，处理已停止，没有生成或改动任何文件：请关闭其他程序后重试；"
              "如果工作簿特别大，可以用 -j 1 一次处理一个工作簿，或把它拆成几个工作簿。", file=sys.stderr)
        return 1
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
    build.add_argument("--pdf", action="store_true", help="同时在每个表格旁边生成 PDF（用于打印、盖章；需要 LibreOffice）")
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
        "import", help="导入已有的绩效目标表（.xlsx/.xls/.ods、.docx、.html 或文本），生成或更新填报工作簿",
        description="把已有的绩效目标表转换为填报工作簿：「文件信息」「项目」「指标」；"
                    "或用 --into 把生成的表格中改过的数字写回填报工作簿。能识别的版式见 docs/import.md。")
    imports.add_argument("source", type=Path, metavar="SOURCE",
                         help="已有的表格：.xlsx/.xls/.ods 工作簿、.docx、.html，或制表符分隔的文本（.txt）")
    imports.add_argument("--into", type=Path, metavar="WORKBOOK",
                         help="写回已有的填报工作簿：只修改对应的行，列出每处修改，原来的版本保存在旁边的「旧版本」文件夹")
    imports.add_argument("-o", "--output", type=Path, metavar="WORKBOOK",
                         help="保存的填报工作簿（默认：input/<部门名称>.xlsx）")
    imports.add_argument("--force", action="store_true", help="文件已存在时覆盖")
    imports.set_defaults(run=_import)
    _add_send(commands)
    _add_serve(commands)
    templates = commands.add_parser(
        "templates", help="列出并检查模板文件夹中的表格模板（不需要填报工作簿）",
        description="列出每个表格模板的工作表、命令和用到的数据，并检查表达式、名称和命令的位置；--dump 以文字列出模板内容。")
    templates.add_argument("folder", nargs="?", type=Path, metavar="DIR", help="模板文件夹或一个模板文件（默认：自带模板）")
    templates.add_argument("--dump", action="store_true", help="以纯文字列出每个模板的单元格、公式和批注（便于审阅和比较）")
    templates.set_defaults(run=_inspect)
    return parser


def _add_serve(commands) -> None:
    serve = commands.add_parser("serve", help="在浏览器中使用：拖入工作簿生成表格、预览、下载、发送邮件",
                                description="启动本机网页：拖入填报工作簿即可生成表格、预览、下载（含 PDF）、发送邮件。")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，只有本机能打开；其他地址需要设置密码）")
    serve.add_argument("--port", type=int, default=8765, help="端口（默认 8765）")
    serve.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    serve.add_argument("--password", help="网页密码（也可以用环境变量 XLREPORTS_SERVE_PASSWORD；--host 不是本机时必须设置）")
    serve.add_argument("--templates", type=Path, metavar="DIR", help="使用这个文件夹中的模板（默认：自带模板）")
    serve.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT, metavar="OUTDIR",
                       help="发送记录保存在 OUTDIR/<工作簿名>/ 中，与 xlreports send 相同（默认：output/）")
    serve.add_argument("--max-upload", type=int, default=50, metavar="MB", help="一次上传的大小上限（默认 50 MB）")
    serve.set_defaults(run=_serve)
    watch = commands.add_parser("watch", help="监视文件夹：input/ 中的工作簿一保存就生成表格，结果写在旁边的 .结果.txt 中",
                                description="监视 FOLDER/input/：每当其中的工作簿新增或保存，就生成表格到 FOLDER/output/，"
                                            "并在工作簿旁边写出 <名称>.结果.txt。按 Ctrl+C 停止。")
    watch.add_argument("folder", nargs="?", type=Path, default=Path("."), metavar="FOLDER",
                       help="包含 input/ 的文件夹（默认：当前文件夹）")
    watch.add_argument("--templates", type=Path, metavar="DIR", help="使用这个文件夹中的模板（默认：自带模板）")
    watch.add_argument("--pdf", action="store_true", help="同时生成 PDF")
    watch.set_defaults(run=_watch)


def _serve(args) -> int:
    from .serve import serve

    templates = _templates(args)
    if templates is None:
        return 1
    return serve(args.host, args.port, templates, args.output, not args.no_browser, args.password, args.max_upload)


def _watch(args) -> int:
    from .watch import watch

    templates = _templates(args)
    if templates is None:
        return 1
    return watch(args.folder, templates, pdf=args.pdf)


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
    from .build import INPUT_SUFFIXES, find_inputs

    if paths:
        return paths
    if not DEFAULT_INPUT.is_dir():
        print(f"找不到 {DEFAULT_INPUT}/ 文件夹：请把填报工作簿放在 {DEFAULT_INPUT}/ 中，或在命令后写出文件路径。",
              file=sys.stderr)
        return None
    listing = find_inputs(DEFAULT_INPUT)
    for path, reason in listing.skipped:
        print(f"跳过 {path}：{reason}")
    if not listing.workbooks:
        print(f"{DEFAULT_INPUT}/ 中没有工作簿（{'、'.join(INPUT_SUFFIXES)}；可以用 xlreports init 生成一个空白工作簿）。",
              file=sys.stderr)
        return None
    names = "、".join(path.name for path in listing.workbooks)
    print(f"{DEFAULT_INPUT}/ 中有 {len(listing.workbooks)} 个工作簿：{names}")
    return listing.workbooks


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
    if args.pdf and not _pdfs(reports):
        return 1
    return 1 if failed else 0


def _pdfs(reports) -> bool:
    from .pdf import PdfError, convert_to_pdf, report_forms

    forms = report_forms(reports)
    if not forms:
        return True
    print(f"正在用 LibreOffice 生成 {len(forms)} 个 PDF …", file=sys.stderr)
    try:
        made = convert_to_pdf(forms)
    except PdfError as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return False
    print(f"已生成 {len(made)} 个 PDF（与表格文件同名，在同一文件夹中）")
    return True


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
    from .write.files import FileError

    if args.path.exists() and not args.force:
        print(f"{args.path} 已存在；如要覆盖请加 --force。", file=sys.stderr)
        return 1
    try:
        write_blank_workbook(args.path)
    except FileError as exc:
        print(f"✗ 未生成工作簿：{exc}", file=sys.stderr)
        return 1
    print(f"已生成空白填报工作簿：{args.path}\n填写后运行 xlreports build 生成表格。")
    return 0


def _import(args) -> int:
    from .importer import import_form, write_input_workbook
    from .paths import safe_file_name
    from .problems import Problems
    from .write.files import FileError

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
    if args.into is not None:
        return _import_into(form, problems, args.into, name)
    if hasattr(form, "entries") or getattr(form, "others", None):
        print(f"✗ {name}：地市绩效目标表（或含多张表格的地市文件）只能写回已有的填报工作簿", file=sys.stderr)
        print("  请用 xlreports import 地市绩效目标表.xlsx --into input/<填报工作簿>.xlsx", file=sys.stderr)
        return 1
    stem = getattr(form, "department", None) or args.source.stem
    target = args.output or DEFAULT_INPUT / f"{safe_file_name(stem, '导入')}.xlsx"
    if target.suffix.lower() != ".xlsx":
        target = target.with_name(target.name + ".xlsx")
    if target.exists() and not args.force:
        print(f"{_show_path(target)} 已存在；如要覆盖请加 --force，或用 -o 指定另一个文件。", file=sys.stderr)
        return 1
    try:
        write_input_workbook(form, target)
    except FileError as exc:
        print(f"✗ {name}：未生成工作簿：{exc}", file=sys.stderr)
        return 1
    units = f"（{len(form.units)} 个资金使用单位）" if hasattr(form, "units") else ""
    print(f"✓ {name}：导入 {len(form.projects)} 个项目{units}、{form.indicator_count} 个指标"
          if hasattr(form, "units") else f"✓ {name}")
    from .importer.summary import summary_lines

    for line in summary_lines(form):
        print(f"  {line}")
    print(f"  已生成 {_show_path(target)}")
    for problem in problems.warnings:
        print(f"  警告：{problem}")
    print(f"下一步：xlreports build {_show_path(target)}")
    return 0


def _import_into(form, problems, workbook: Path, name: str) -> int:
    from .importer import plan_into
    from .importer.keep import apply_changes
    from .importer.summary import summary_lines
    from .write.files import FileError

    changes = plan_into(form, workbook, problems)
    if problems.has_errors():
        print(f"✗ {name} → {_show_path(workbook)}：{len(problems.errors)} 个错误，填报工作簿没有修改", file=sys.stderr)
        for problem in problems.errors:
            print(f"  错误：{problem}", file=sys.stderr)
        return 1
    print(f"✓ {name}")
    for one in (form, *getattr(form, "others", ())):
        for line in summary_lines(one):
            print(f"  {line}")
    if not changes:
        print(f"  {_show_path(workbook)} 中的数字与表格一致，没有修改")
        return 0
    try:
        kept = apply_changes(workbook, changes)
    except FileError as exc:
        print(f"✗ {name} → {_show_path(workbook)}：填报工作簿没有修改：{exc}", file=sys.stderr)
        return 1
    print(f"  修改了 {_show_path(workbook)} 中的 {len(changes)} 处：")
    for change in changes:
        print(f"    {change}")
    print(f"  原来的版本保存为 {_show_path(kept)}")
    for problem in problems.warnings:
        print(f"  警告：{problem}")
    print(f"下一步：xlreports build {_show_path(workbook)}")
    return 0


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
        for path, copy in report.kept:
            print(f"  注意：{_show_path(path)} 在上次生成后被修改过，修改后的文件已另存为 {copy.name}"
                  "（新生成的文件替换了原文件；如何把修改带回填报工作簿，见 README「生成后修改过的表格」）")
    for problem in report.problems.warnings:
        print(f"  警告：{problem}")


def _show_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
