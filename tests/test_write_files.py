"""Every file is written the same way: all or nothing, explained in Chinese, edited files kept."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
from pathlib import Path

import pytest

from xlreports.write import files as files_module
from xlreports.write import manifest
from xlreports.write.files import FileError, FileSet, describe, sweep

NAMES = ["绩效目标表.xlsx", "经费安排表.xlsx", "经费分配表.xlsx", "政策任务安排表.xlsx", "地市/广州.xlsx", "地市/深圳.xlsx"]


def old_set(folder):
    """Six files from an earlier build, as bytes by name."""
    with FileSet(folder, tracked=True) as files:
        for name in NAMES:
            files.write_text(folder / name, f"旧的 {name}")
    return {name: (folder / name).read_bytes() for name in NAMES}


def new_set(folder):
    files = FileSet(folder, tracked=True)
    for name in NAMES:
        files.write_text(folder / name, f"新的 {name}")
    return files


def leftovers(folder):
    return sorted(p.name for p in folder.rglob("*") if p.name.startswith(files_module.PREFIX))


def test_a_set_is_replaced_whole_and_leaves_nothing_behind(tmp_path):
    old_set(tmp_path)
    new_set(tmp_path).commit()
    assert {n: (tmp_path / n).read_text(encoding="utf-8") for n in NAMES} == {n: f"新的 {n}" for n in NAMES}
    assert leftovers(tmp_path) == []
    assert sorted(manifest.load(tmp_path)) == sorted(NAMES)
    assert not any(manifest.is_kept_copy(p) for p in tmp_path.rglob("*"))  # nobody edited them: no copies


def test_a_failed_rename_of_the_third_file_restores_every_old_file(tmp_path, monkeypatch):
    before = old_set(tmp_path)
    third = tmp_path / NAMES[2]
    real = files_module._replace
    renamed = []

    def failing(source, target):
        if target == third and source.name.endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        renamed.append(target)
        real(source, target)

    monkeypatch.setattr(files_module, "_replace", failing)
    files = new_set(tmp_path)
    with pytest.raises(FileError) as caught:
        files.commit()
    assert tmp_path / NAMES[1] in renamed  # the first two were replaced before the failure
    assert {n: (tmp_path / n).read_bytes() for n in NAMES} == before
    assert leftovers(tmp_path) == []
    assert str(caught.value) == (f"无法替换 {third}：磁盘已满(ENOSPC)。已恢复原有的全部文件，原有文件都保持不变")


def test_a_read_only_target_stops_the_set_before_any_rename(tmp_path):
    before = old_set(tmp_path)
    target = tmp_path / "地市" / "广州.xlsx"
    target.chmod(0o444)
    with pytest.raises(FileError) as caught:
        new_set(tmp_path).commit()
    assert f"{target}：文件是只读的" in str(caught.value) and "没有替换任何文件" in str(caught.value)
    assert {n: (tmp_path / n).read_bytes() for n in NAMES} == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("lock", ["~$经费分配表.xlsx", "~$分配表.xlsx", ".~lock.经费分配表.xlsx#"])
def test_a_file_open_in_excel_or_libreoffice_is_named(tmp_path, lock):
    before = old_set(tmp_path)
    (tmp_path / lock).write_bytes(b"owner")
    with pytest.raises(FileError) as caught:
        new_set(tmp_path).commit()
    assert f"{tmp_path / '经费分配表.xlsx'}：文件被其他程序打开（请在 Excel 中关闭）" in str(caught.value)
    assert {n: (tmp_path / n).read_bytes() for n in NAMES} == before
    assert leftovers(tmp_path) == []


def test_an_edited_file_is_kept_beside_the_new_one(tmp_path):
    old_set(tmp_path)
    edited = tmp_path / "经费安排表.xlsx"
    edited.write_text("改过的数字", encoding="utf-8")
    os.utime(edited, (1796019900, 1796019900))  # 2026-12-01 ... in UTC; the name uses local time
    files = new_set(tmp_path)
    files.commit()
    [(path, copy)] = files.kept
    assert path == edited and copy.parent == tmp_path
    assert manifest.is_kept_copy(copy) and copy.name.startswith("经费安排表（已修改 ")
    assert copy.read_text(encoding="utf-8") == "改过的数字"
    assert edited.read_text(encoding="utf-8") == "新的 经费安排表.xlsx"
    # the copy is not part of the next build's set: building again keeps it and copies nothing
    again = new_set(tmp_path)
    again.commit()
    assert again.kept == [] and copy.exists()


def test_a_file_without_a_record_is_kept_unless_it_holds_the_new_bytes(tmp_path):
    (tmp_path / "绩效目标表.xlsx").write_text("旧版本生成的", encoding="utf-8")
    (tmp_path / "经费安排表.xlsx").write_text("新的 经费安排表.xlsx", encoding="utf-8")
    files = FileSet(tmp_path, tracked=True)
    files.write_text(tmp_path / "绩效目标表.xlsx", "新的 绩效目标表.xlsx")
    files.write_text(tmp_path / "经费安排表.xlsx", "新的 经费安排表.xlsx")
    files.commit()
    assert [path.name for path, _ in files.kept] == ["绩效目标表.xlsx"]


def test_a_removed_file_that_was_edited_is_kept(tmp_path):
    old_set(tmp_path)
    (tmp_path / "地市" / "深圳.xlsx").write_text("深圳改过", encoding="utf-8")
    files = FileSet(tmp_path, tracked=True)
    files.remove(tmp_path / "地市" / "广州.xlsx")
    files.remove(tmp_path / "地市" / "深圳.xlsx")
    files.commit()
    assert sorted(p.name for p in (tmp_path / "地市").iterdir())[0].startswith("深圳（已修改 ")
    assert len(list((tmp_path / "地市").iterdir())) == 1
    assert "地市/广州.xlsx" not in manifest.load(tmp_path)


def test_the_manifest_moves_with_the_folder(tmp_path):
    old_set(tmp_path / "a")
    (tmp_path / "a").rename(tmp_path / "b")
    files = new_set(tmp_path / "b")
    files.commit()
    assert files.kept == []


def test_a_symbolic_link_is_refused(tmp_path):
    old_set(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-elsewhere.xlsx"
    outside.write_bytes(b"someone else's")
    link = tmp_path / "地市" / "广州.xlsx"
    link.unlink()
    link.symlink_to(outside)
    with pytest.raises(FileError) as caught:
        new_set(tmp_path).commit()
    assert f"{link}：是一个符号链接" in str(caught.value)
    assert outside.read_bytes() == b"someone else's" and link.is_symlink()


def test_a_path_outside_the_folder_is_refused(tmp_path):
    files = FileSet(tmp_path / "out")
    with pytest.raises(FileError) as caught:
        files.temporary(tmp_path / "out" / ".." / "x.xlsx")
    assert "位于输出文件夹" in str(caught.value) and "之外" in str(caught.value)
    linked = tmp_path / "out" / "地市"
    (tmp_path / "out").mkdir()
    linked.symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(FileError):
        files.temporary(linked / "广州.xlsx")
    assert not (tmp_path / "广州.xlsx").exists()


def test_a_folder_outside_the_boundary_is_refused(tmp_path):
    with pytest.raises(FileError):
        FileSet(tmp_path / "out" / "..", boundary=tmp_path / "out")


def test_a_write_error_names_the_file_in_chinese(tmp_path):
    def full(temporary):
        temporary.write_bytes(b"part")
        raise OSError(errno.ENOSPC, "No space left on device")

    files = FileSet(tmp_path)
    with pytest.raises(FileError) as caught:
        files.write(tmp_path / "经费安排表.xlsx", full)
    assert str(caught.value) == f"无法写入 {tmp_path / '经费安排表.xlsx'}：磁盘已满(ENOSPC)"
    assert list(tmp_path.iterdir()) == []


def test_a_name_too_long_for_the_system(tmp_path):
    files = FileSet(tmp_path)
    with pytest.raises(FileError) as caught:
        files.write_text(tmp_path / ("长" * 100 + ".xlsx"), "x")
    assert "路径过长(ENAMETOOLONG)" in str(caught.value)


@pytest.mark.parametrize(("number", "text"), [
    (errno.EROFS, "只读"), (errno.ENOSPC, "磁盘已满(ENOSPC)"), (errno.EACCES, "没有权限"),
    (errno.ENAMETOOLONG, "路径过长(ENAMETOOLONG)"), (errno.EBUSY, "文件被其他程序打开（请在 Excel 中关闭）"),
])
def test_reasons_in_chinese(number, text):
    assert text in describe(OSError(number, os.strerror(number)))


def test_leftovers_of_a_dead_build_are_removed_and_a_live_ones_kept(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    pid = int(dead.stdout)
    (tmp_path / "地市").mkdir()
    stale = [tmp_path / f".xlreports~{pid}-{pid}-1~绩效目标表.xlsx.tmp",
             tmp_path / "地市" / f".xlreports~{pid}-{pid}-2~广州.xlsx.tmp",
             tmp_path / f".经费安排表.{pid}.1.tmp"]  # the name earlier versions used
    live = tmp_path / f".xlreports~{os.getppid()}-1-1~经费分配表.xlsx.tmp"
    for path in [*stale, live]:
        path.write_bytes(b"x")
    backup = tmp_path / f".xlreports~{pid}-{pid}-3~经费分配表.xlsx.old"
    backup.write_bytes(b"the old file")  # a build killed between moving it aside and its replacement
    sweep(tmp_path)
    assert not any(path.exists() for path in stale)
    assert live.exists()
    assert (tmp_path / "经费分配表.xlsx").read_bytes() == b"the old file" and not backup.exists()


def test_an_interrupted_set_leaves_no_temporary_file(tmp_path):
    with pytest.raises(KeyboardInterrupt), FileSet(tmp_path, tracked=True) as files:
        files.write_text(tmp_path / "绩效目标表.xlsx", "x")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_init_over_a_read_only_workbook_says_so(tmp_path, capsys):
    from xlreports.cli import main

    target = tmp_path / "填报工作簿.xlsx"
    target.write_bytes(b"the officer's workbook")
    target.chmod(0o444)
    assert main(["init", str(target), "--force"]) == 1
    assert f"✗ 未生成工作簿：{target}：文件是只读的" in capsys.readouterr().err
    assert target.read_bytes() == b"the officer's workbook" and leftovers(tmp_path) == []
    target.chmod(0o644)
    assert main(["init", str(target), "--force"]) == 0
    assert target.read_bytes()[:2] == b"PK" and leftovers(tmp_path) == []


DIE_WHILE_REPLACING = """
import os, pathlib, sys
from xlreports.write import files
folder, names, when = pathlib.Path(sys.argv[1]), sys.argv[3:], sys.argv[2]
new = files.FileSet(folder, tracked=True)
for name in names:
    new.write_text(folder / name, "新的 " + name)
renames, real_replace, real_unlink = [], files._replace, pathlib.Path.unlink
def replace(source, target):
    renames.append(target)
    if when == "renaming" and len(renames) == 7:  # the 4th old file is about to be moved aside
        os._exit(9)
    real_replace(source, target)
def unlink(path, missing_ok=False):
    if when == "cleaning" and path.name.endswith(".old"):
        os._exit(9)
    real_unlink(path, missing_ok)
files._replace, pathlib.Path.unlink = replace, unlink
new.commit()
"""


@pytest.mark.parametrize("when", ["renaming", "cleaning"])
def test_a_build_killed_while_replacing_leaves_one_whole_set_after_the_next(tmp_path, when):
    """Killed (no chance to roll back) with 3 of 6 files replaced: the next build puts the old set back.

    Killed after the last rename, while removing backups: the new set stays.
    """
    before = old_set(tmp_path)
    died = subprocess.run([sys.executable, "-c", DIE_WHILE_REPLACING, str(tmp_path), when, *NAMES],
                          env=dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parent.parent)))
    assert died.returncode == 9
    assert leftovers(tmp_path)  # the dead process left its temporary files and backups
    sweep(tmp_path)
    now = {n: (tmp_path / n).read_bytes() for n in NAMES}
    if when == "renaming":
        assert now == before
    else:
        assert now == {n: f"新的 {n}".encode() for n in NAMES}
    assert leftovers(tmp_path) == []
