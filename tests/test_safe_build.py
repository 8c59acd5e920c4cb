"""A build as staff live it: forms edited in an office program, files held open, Ctrl-C, kill -9.

Whatever happens, an edit is never lost, a set is never half replaced, no temporary file stays,
no worker outlives the build, and what went wrong is said in Chinese, naming the file.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from xlreports.write import files as files_module
from xlreports.write.manifest import MANIFEST, is_kept_copy, load

pytestmark = pytest.mark.slow
SAMPLE = "2020年度工业和信息化预留资金"
SMALL = "2021年度战略性产业集群产业链支撑资金"
TESTS = Path(__file__).resolve().parent


def run(*args: str, cwd: Path, **options) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xlreports", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env=_env(), **options)


def _env():
    return dict(os.environ, PYTHONPATH=str(TESTS.parent) + os.pathsep + os.environ.get("PYTHONPATH", ""))


def digests(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def temporary_files(folder: Path) -> list[str]:
    return [str(p) for p in folder.rglob("*") if p.name.startswith(files_module.PREFIX) or p.suffix == ".tmp"]


def test_a_form_edited_in_libreoffice_survives_the_next_build(root, tmp_path, office):
    sample = root / "input" / f"{SAMPLE}.xlsx"
    first = run("build", str(sample), "-o", "out", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    folder = tmp_path / "out" / SAMPLE
    arrangement = folder / "经费安排表.xlsx"
    assert load_workbook(arrangement).active["D7"].value == 125  # 附件1: 企业情况综合数据采集 125 万元
    before = digests(folder)
    office.edit_cells(arrangement, arrangement, ["经费安排表!D7=130"], tmp_path / "uno")
    second = run("build", str(sample), "-o", "out", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    [copy] = [p for p in folder.rglob("*.xlsx") if is_kept_copy(p)]
    assert copy.parent == folder and copy.name.startswith("经费安排表（已修改 20")
    assert (f"注意：out/{SAMPLE}/经费安排表.xlsx 在上次生成后被修改过，修改后的文件已另存为 {copy.name}"
            in second.stdout)
    assert load_workbook(copy).active["D7"].value == 130  # the officer's edit
    assert load_workbook(arrangement).active["D7"].value == 125  # the form, built again from the input
    after = digests(folder)
    unchanged = {name: sha for name, sha in before.items() if name != MANIFEST}
    assert {name: after[name] for name in unchanged} == unchanged  # the other 26 replaced, no copies
    assert second.stdout.count("注意：") == 1
    assert temporary_files(tmp_path) == []


def test_a_read_only_form_stops_the_whole_set(root, tmp_path):
    source = tmp_path / f"{SMALL}.xlsx"
    shutil.copy(root / "input" / source.name, source)
    assert run("build", str(source), "-o", "out", cwd=tmp_path).returncode == 0
    folder = tmp_path / "out" / SMALL
    before = digests(folder)
    locked = folder / "地市绩效目标表.xlsx"
    locked.chmod(0o444)
    os.utime(source, (1700000000, 1700000000))  # a changed input: every new file differs from the old one
    result = run("build", str(source), "-o", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert f"out/{SMALL}/地市绩效目标表.xlsx：文件是只读的（请在文件属性中取消“只读”后重新运行）" in result.stderr
    assert "没有替换任何文件，原有文件都保持不变" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert digests(folder) == before
    assert temporary_files(tmp_path) == []


def test_a_failed_rename_midway_restores_the_old_set(root, tmp_path, monkeypatch, capsys):
    from xlreports.cli import main

    source = tmp_path / f"{SAMPLE}.xlsx"
    shutil.copy(root / "input" / source.name, source)
    assert main(["build", str(source), "-o", str(tmp_path / "out"), "-j", "1"]) == 0
    folder = tmp_path / "out" / SAMPLE
    before = digests(folder)
    os.utime(source, (1700000000, 1700000000))
    real, targets = files_module._replace, []

    def failing(source_path, target):
        if source_path.name.endswith(".tmp"):
            targets.append(target)
            if len(targets) == 3:
                raise PermissionError(13, "Permission denied")
        real(source_path, target)

    monkeypatch.setattr(files_module, "_replace", failing)
    capsys.readouterr()
    assert main(["build", str(source), "-o", str(tmp_path / "out"), "-j", "1"]) == 1
    err = capsys.readouterr().err
    assert f"无法替换 {targets[2]}：没有权限。已恢复原有的全部文件，原有文件都保持不变" in err
    assert digests(folder) == before
    assert temporary_files(tmp_path) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE")
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_disk_that_refuses_to_grow_a_file_leaves_the_old_set(root, tmp_path, jobs):
    """A real write failure from the system (the file size limit, as a full disk fails a write)."""
    import resource

    source = tmp_path / f"{SAMPLE}.xlsx"
    shutil.copy(root / "input" / source.name, source)
    assert run("build", str(source), "-o", "out", cwd=tmp_path).returncode == 0
    folder = tmp_path / "out" / SAMPLE
    before = digests(folder)
    os.utime(source, (1700000000, 1700000000))

    def small_files():
        resource.setrlimit(resource.RLIMIT_FSIZE, (12000, 12000))  # 分地市绩效目标表.xlsx is larger

    result = run("build", str(source), "-o", "out", "-j", jobs, cwd=tmp_path, preexec_fn=small_files)
    assert result.returncode == 1
    assert f"错误：无法写入 out/{SAMPLE}/分地市绩效目标表.xlsx：文件超过系统允许的大小(EFBIG)" in result.stderr
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr
    assert digests(folder) == before
    assert temporary_files(tmp_path) == []


def test_an_input_named_dots_stays_inside_the_output_folder(root, tmp_path):
    work = tmp_path / "work"
    (work / "in").mkdir(parents=True)
    shutil.copy(root / "input" / f"{SAMPLE}.xlsx", work / "in" / "...xlsx")
    (work / "地市").mkdir()
    (work / "地市" / "广州.xlsx").write_bytes(b"a user's own file")
    result = run("build", "./in/...xlsx", "-o", "out", cwd=work)
    assert result.returncode == 0, result.stderr
    assert (work / "地市" / "广州.xlsx").read_bytes() == b"a user's own file"
    assert sorted(p.name for p in work.iterdir()) == ["in", "out", "地市"]
    assert (work / "out" / "工作簿" / "地市" / "广州.xlsx").exists()


def test_a_symbolic_link_among_the_city_files_is_refused(root, tmp_path):
    sample = root / "input" / f"{SAMPLE}.xlsx"
    assert run("build", str(sample), "-o", "out", cwd=tmp_path).returncode == 0
    link = tmp_path / "out" / SAMPLE / "地市" / "广州.xlsx"
    elsewhere = tmp_path / "secret.xlsx"
    elsewhere.write_bytes(b"not ours")
    link.unlink()
    link.symlink_to(elsewhere)
    result = run("build", str(sample), "-o", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert f"out/{SAMPLE}/地市/广州.xlsx：是一个符号链接（快捷方式），为安全起见不会写入或替换" in result.stderr
    assert "Traceback" not in result.stderr and elsewhere.read_bytes() == b"not ours" and link.is_symlink()


def allocation_workbook(path: Path, cities: list[str]) -> Path:
    import xlsxwriter

    book = xlsxwriter.Workbook(path, {"strings_to_formulas": False})
    sheet = book.add_worksheet("资金分配")
    sheet.write_row(0, 0, ["地区", "资金方向", "金额"])
    for row, city in enumerate(cities, start=1):
        sheet.write_row(row, 0, [city, "企业情况综合", 100 * row])
    book.close()
    return path


def test_two_cities_that_would_share_a_file_are_refused(tmp_path):
    source = allocation_workbook(tmp_path / "分配.xlsx", ["A_B", "广州", "A/B"])
    result = run("build", str(source), "-o", "out", cwd=tmp_path)
    assert result.returncode == 1
    assert ("资金分配!A4：地市「A/B」与 资金分配!A2 的「A_B」会保存为同一个文件「A_B.xlsx」，后一个会覆盖前一个"
            in result.stderr)
    assert not [p for p in (tmp_path / "out").rglob("*") if p.is_file()]


def test_odd_city_names_become_safe_file_names(tmp_path):
    long_name = "广" * 120
    source = allocation_workbook(tmp_path / "分配.xlsx", [long_name, "坏\x00名", "NUL.txt"])
    result = run("build", str(source), "-o", "out", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert "资金分配!A3：地市「坏\\x00名」不能直接用作文件名，文件名改为「坏_名.xlsx」" in result.stdout
    names = sorted(p.name for p in (tmp_path / "out" / "分配" / "地市").iterdir())
    assert names == sorted(["广" * 40 + ".xlsx", "坏_名.xlsx", "NUL_.txt.xlsx"])


def descendants(pid: int) -> set[int]:
    """Every process below ``pid`` (children, their children…), from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return found


def started(pid: int) -> str | None:
    """When ``pid`` started (clock ticks since boot), so that a reused pid is not taken for ours."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def alive(pid: int, since: str | None = None) -> bool:
    """Whether ``pid`` runs (a zombie does not), and is the process that started at ``since``."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return False
    return fields[0] != "Z" and (since is None or fields[19] == since)


def all_samples(root: Path, tmp_path: Path) -> Path:
    shutil.copytree(root / "input", tmp_path / "input")
    return tmp_path


def wait_for_writing(folder: Path, process, limit: float = 60) -> None:
    """Until the build has begun writing files (a temporary file exists) or has ended."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline and process.poll() is None:
        if folder.is_dir() and any(p.name.startswith(files_module.PREFIX) for p in folder.rglob("*")):
            return
        time.sleep(0.005)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork")
@pytest.mark.parametrize(("delay", "group", "inputs"), [
    (0.0, False, []), (0.05, True, []), (0.15, False, []), (0.3, True, []), (0.6, False, []),
    (0.0, True, [f"input/{SAMPLE}.xlsx"]), (0.1, False, [f"input/{SAMPLE}.xlsx"]), (0.3, False, [f"input/{SAMPLE}.xlsx"]),
])
def test_ctrl_c_halfway_leaves_no_temporary_file(root, tmp_path, delay, group, inputs):
    """SIGINT while files are being written: to the build alone (``kill -INT``) or to all (a terminal's Ctrl-C).

    Every sample (one process per workbook), or one sample (its files written by several processes).
    """
    work = all_samples(root, tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "xlreports", "build", "-j", "2", *inputs], cwd=work, env=_env(),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    wait_for_writing(work / "output", process)
    time.sleep(delay)
    children = {pid: started(pid) for pid in descendants(process.pid)}
    if group:
        os.killpg(process.pid, signal.SIGINT)
    else:
        process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    # 0: finished first; 130: interrupted; -SIGINT: the signal came while the interpreter was already shutting
    # down after a finished build (Python has given Ctrl-C back to the system then), as any Unix program ends
    assert process.returncode in (0, 130, -signal.SIGINT), out + err
    assert "Traceback" not in out + err
    if process.returncode == 130:
        assert "已中断" in err
    assert temporary_files(work / "output") == [], out + err
    for folder in (work / "output").iterdir():
        present = {p.relative_to(folder).as_posix() for p in folder.rglob("*.xlsx")}
        assert present == set(load(folder)), (folder, out + err)  # a set is there whole, or not at all
    time.sleep(0.5)
    assert not [pid for pid, since in children.items() if alive(pid, since)]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc and fork")
@pytest.mark.parametrize("inputs", [[], [f"input/{SAMPLE}.xlsx"]], ids=["every-sample", "one-sample"])
def test_no_worker_outlives_a_killed_build(root, tmp_path, inputs):
    work = all_samples(root, tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "xlreports", "build", "-j", "2", *inputs], cwd=work,
                               env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline, workers = time.monotonic() + 30, set()
    while time.monotonic() < deadline and process.poll() is None and not workers:
        time.sleep(0.1)
        workers = descendants(process.pid)
    assert workers, "the build started no worker"
    workers = {pid: started(pid) for pid in workers}
    process.kill()
    process.wait()
    time.sleep(2)
    assert [pid for pid, since in workers.items() if alive(pid, since)] == []
    # the next build removes what the killed one left behind
    assert run("build", "-j", "1", *inputs, cwd=work).returncode == 0
    assert temporary_files(work / "output") == []


def crashing(how: int):
    from xlreports import build as build_module

    real = build_module.build

    def build(source, *args, **options):
        if source.name.startswith("崩溃"):
            os.kill(os.getpid(), how)
        return real(source, *args, **options)

    return build


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGSEGV], ids=["SIGKILL", "SIGSEGV"])
def test_a_workbook_whose_process_dies_fails_alone(root, tmp_path, monkeypatch, capsys, how):
    from xlreports import build as build_module
    from xlreports.cli import main

    for name in (f"{SMALL}.xlsx", "崩溃.xlsx"):
        shutil.copy(root / "input" / f"{SMALL}.xlsx", tmp_path / name)
    monkeypatch.setattr(build_module, "build", crashing(how))
    code = main(["build", str(tmp_path / f"{SMALL}.xlsx"), str(tmp_path / "崩溃.xlsx"), "-o", str(tmp_path / "out"),
                 "-j", "2"])
    out, err = capsys.readouterr()
    assert code == 1
    name = signal.Signals(how).name
    assert f"生成这个工作簿的进程被信号 {name} 终止" in err and "其他工作簿不受影响" in err
    assert "崩溃.xlsx：1 个错误" in err
    assert (tmp_path / "out" / SMALL / "绩效目标表.xlsx").exists()
    assert not (tmp_path / "out" / "崩溃").exists()
    assert "1 个工作簿有错误" in out
