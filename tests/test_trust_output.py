"""A build only ever replaces its own output, only with a complete one, and
never runs code from its cache (issue 10): adversarial cases through the
real CLI, real processes killed with SIGKILL, real mounts when the machine
allows them (`unshare -rm`)."""

from __future__ import annotations

import os
import pickle
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import TODAY_EPOCH, run_sitegen

CANARY_NAME = "pwned"


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes (the marker included)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def wait_for(condition, timeout: float = 120.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def clean_build(site: Path, name: str = "clean") -> dict[str, bytes]:
    """What a fresh build of the site as it is now gives."""
    out = site.parent / name
    shutil.rmtree(out, ignore_errors=True)
    result = run_sitegen("build", "--no-cache", "--output", str(out), cwd=site)
    assert result.returncode == 0, result.stderr
    return tree(out)


def edit_a_post(site: Path) -> None:
    post = site / "content/posts/second.md"
    post.write_text(post.read_text(encoding="utf-8") + "\nA new paragraph.\n", encoding="utf-8")


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr


# -- 1. own only what it made -------------------------------------------------

def _outside_folder(site: Path) -> tuple[str, Path]:
    documents = site.parent / "Documents"
    documents.mkdir()
    (documents / "thesis.odt").write_bytes(b"years of work")
    return "../Documents", documents


def _docs_folder(site: Path) -> tuple[str, Path]:
    docs = site / "docs"
    docs.mkdir()
    (docs / "manual.md").write_text("# Manual\n", encoding="utf-8")
    with (site / "site.yml").open("a", encoding="utf-8") as f:
        f.write("output: docs\n")
    return "", docs


def _git_folder(site: Path) -> tuple[str, Path]:
    git = site / ".git"
    (git / "refs").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n", encoding="utf-8")
    return ".git", git


def _empty_git_folder(site: Path) -> tuple[str, Path]:
    (site / ".git").mkdir()
    return ".git/public", site / ".git"


def _settings_file(site: Path) -> tuple[str, Path]:
    return "site.yml", site / "site.yml"


def _a_file(site: Path) -> tuple[str, Path]:
    (site / "notes.txt").write_text("my notes", encoding="utf-8")
    return "notes.txt", site / "notes.txt"


def _site_root(site: Path) -> tuple[str, Path]:
    return ".", site


def _ancestor(site: Path) -> tuple[str, Path]:
    return "..", site.parent


def _content(site: Path) -> tuple[str, Path]:
    return "content", site / "content"


def _another_site(site: Path) -> tuple[str, Path]:
    other = site.parent / "other-site"
    shutil.copytree(site, other)
    return "../other-site", other


def _symlink(site: Path) -> tuple[str, Path]:
    real = site.parent / "real"
    real.mkdir()
    (real / "keep.txt").write_text("mine", encoding="utf-8")
    (site / "linked").symlink_to(real)
    return "linked", real


def _unmarked_staging(site: Path) -> tuple[str, Path]:
    staging = site / ".public.building"
    staging.mkdir()
    (staging / "notes.txt").write_text("not sitegen's", encoding="utf-8")
    return "", staging


REFUSED = {
    "a user's folder outside the site": (_outside_folder, "not empty and sitegen did not make it"),
    "output: docs with a docs folder": (_docs_folder, "not empty and sitegen did not make it"),
    ".git": (_git_folder, ".git"),
    "a folder inside .git": (_empty_git_folder, ".git"),
    "the settings file": (_settings_file, "is one of the site's sources"),
    "the site root": (_site_root, "site root"),
    "an ancestor of the site": (_ancestor, "site root"),
    "content/": (_content, "content/"),
    "another site's folder": (_another_site, "holds a site's sources"),
    "a file": (_a_file, "is a file"),
    "a symbolic link to a user's folder": (_symlink, "did not make it"),
    "an unmarked folder where the staging goes": (_unmarked_staging, "did not make it"),
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
def test_a_folder_sitegen_did_not_make_is_refused_and_left_as_it_was(mini_site: Path, case: str):
    prepare, expected = REFUSED[case]
    option, protected = prepare(mini_site)
    before = tree(protected) if protected.is_dir() else protected.read_bytes()
    result = run_sitegen("build", *(["--output", option] if option else []), cwd=mini_site)
    assert result.returncode == 1, result.stdout + result.stderr
    no_traceback(result)
    assert expected in result.stderr
    assert "hint:" in result.stderr or "choose a folder" in result.stderr, "says how to proceed"
    after = tree(protected) if protected.is_dir() else protected.read_bytes()
    assert after == before


def test_an_empty_folder_is_used_and_marked_and_a_marked_one_replaced(mini_site: Path):
    out = mini_site / "docs"
    out.mkdir()
    assert run_sitegen("build", "--output", "docs", cwd=mini_site).returncode == 0
    assert (out / ".sitegen-output").is_file() and (out / "index.html").is_file()
    (out / "stray.txt").write_text("left in a marked folder", encoding="utf-8")
    edit_a_post(mini_site)
    assert run_sitegen("build", "--output", "docs", cwd=mini_site).returncode == 0
    assert not (out / "stray.txt").exists(), "a marked folder is sitegen's, replaced as a whole"


def test_an_output_built_by_the_previous_version_keeps_working(mini_site: Path):
    """The previous version wrote no marker; its last-build manifest lists
    its files. Accepted while it lists everything there, refused otherwise."""
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    out = mini_site / "public"
    (out / ".sitegen-output").unlink()  # as the previous version left it
    edit_a_post(mini_site)
    rebuilt = run_sitegen("build", cwd=mini_site)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (out / ".sitegen-output").is_file()
    (out / ".sitegen-output").unlink()
    (out / "mine.txt").write_text("a file the user added", encoding="utf-8")
    edit_a_post(mini_site)
    refused = run_sitegen("build", cwd=mini_site)
    assert refused.returncode == 1 and "did not make it" in refused.stderr
    assert (out / "mine.txt").read_text(encoding="utf-8") == "a file the user added"


def test_an_output_listed_by_an_earlier_versions_json_record_keeps_working(mini_site: Path):
    """Versions before the msgpack record wrote `unchanged.json`: an unmarked
    output folder it lists is accepted once, and the old file goes."""
    import json

    import msgspec

    assert run_sitegen("build", cwd=mini_site).returncode == 0
    out, cache = mini_site / "public", mini_site / ".sitegen-cache"
    (out / ".sitegen-output").unlink()
    produced = msgspec.msgpack.decode((cache / "unchanged.msgpack").read_bytes())["produced"]
    (cache / "unchanged.msgpack").unlink()
    (cache / "unchanged.json").write_text(json.dumps({"key": "old", "produced": produced}), encoding="utf-8")
    edit_a_post(mini_site)
    rebuilt = run_sitegen("build", cwd=mini_site)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert (out / ".sitegen-output").is_file()
    assert not (cache / "unchanged.json").exists(), "removed on first use"


# -- 2. a cache that cannot run code -------------------------------------------

class Exploit:
    """A pickle that, loaded, creates the canary file."""

    def __init__(self, canary: Path):
        self.canary = canary

    def __reduce__(self):
        return (Path.touch, (self.canary,))


def plant_pickle(site: Path, name: str) -> Path:
    cache = site / ".sitegen-cache"
    cache.mkdir(exist_ok=True)
    canary = site.parent / CANARY_NAME
    payload = pickle.dumps({"version": Exploit(canary)})
    import hashlib
    checksum = hashlib.blake2b(payload, digest_size=16).hexdigest().encode()  # as the old format wanted
    (cache / name).write_bytes(checksum + payload)
    return canary


def plant_bytecode(site: Path) -> Path:
    """Jinja's bytecode cache files, one for every template, each opening
    with a pickle that would create the canary when loaded."""
    import jinja2
    from jinja2.bccache import BytecodeCache, bc_magic
    from sitegen.settings.config import load_settings

    canary = site.parent / CANARY_NAME
    folder = site / ".sitegen-cache" / "templates"
    folder.mkdir(parents=True)
    settings = load_settings(site)
    loader = jinja2.FileSystemLoader([str(d / "templates") for d in settings.theme_dirs])
    env = jinja2.Environment(loader=loader)
    for name in loader.list_templates():
        _, filename, _ = loader.get_source(env, name)
        key = BytecodeCache().get_cache_key(name, filename)
        (folder / f"__jinja2_{key}.cache").write_bytes(bc_magic + pickle.dumps(Exploit(canary), 2))
    return canary


@pytest.mark.parametrize("planted", ["build.pickle of an earlier version", "a pickle as build.msgpack",
                                     "Jinja bytecode files"])
def test_a_planted_cache_file_is_never_executed(mini_site: Path, planted: str):
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    if planted == "Jinja bytecode files":
        canary = plant_bytecode(mini_site)
    else:
        canary = plant_pickle(mini_site, "build.pickle" if "earlier" in planted else "build.msgpack")
    edit_a_post(mini_site)  # so that the build needs its cache
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    assert not canary.exists(), "code from the cache ran"
    assert tree(mini_site / "public") == clean_build(mini_site)
    if planted == "a pickle as build.msgpack":
        assert result.stderr.count("build.msgpack is damaged or was not written by sitegen") == 1


def _flip_a_byte(data: bytes) -> bytes:
    middle = len(data) // 2
    return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]


def _foreign_record(data: bytes) -> bytes:
    """A well-formed file naming a class that is not one of sitegen's records."""
    import msgspec
    inner = msgspec.msgpack.encode(["Popen", [["touch", "pwned"]]])
    return msgspec.msgpack.encode({"version": msgspec.msgpack.Ext(1, inner)})


DAMAGE = {
    "truncated": lambda data: data[: len(data) // 3],
    "a flipped byte": _flip_a_byte,
    "empty": lambda data: b"",
    "random bytes": lambda data: os.urandom(4096),
    "JSON instead": lambda data: b'{"version": [3, "x"]}',
    "a foreign class": _foreign_record,
}


@pytest.mark.parametrize("damage", DAMAGE, ids=list(DAMAGE))
def test_a_damaged_cache_is_reported_once_and_ignored(mini_site: Path, damage: str):
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    cache = mini_site / ".sitegen-cache" / "build.msgpack"
    cache.write_bytes(DAMAGE[damage](cache.read_bytes()))
    edit_a_post(mini_site)
    result = run_sitegen("build", cwd=mini_site)
    assert result.returncode == 0, result.stderr
    no_traceback(result)
    assert "unchanged pages reused" not in result.stdout, "nothing of a damaged cache is trusted"
    assert tree(mini_site / "public") == clean_build(mini_site)
    warned = [line for line in result.stderr.splitlines() if "build.msgpack" in line]
    if damage not in ("JSON instead",):  # the shape of another version's cache: silently rebuilt
        assert len(warned) == 1 and warned[0].startswith("warning: "), result.stderr
    edit_a_post(mini_site)
    again = run_sitegen("build", cwd=mini_site)
    assert "build.msgpack" not in again.stderr, "reported once: the next build has a good cache"
    assert "unchanged pages reused" in again.stdout


PLANTED_LINKS = ["the cache folder", "the build lock", "the cache file being written", "a cached social image",
                 "a cached image folder"]


@pytest.mark.parametrize("planted", PLANTED_LINKS)
def test_a_link_planted_in_the_cache_folder_is_refused_and_nothing_is_written_or_published_through_it(
        mini_site: Path, tmp_path: Path, planted: str):
    """A repository may carry links in `.sitegen-cache/`, where sitegen makes
    none: through one a build wrote the cache over a file outside the site,
    or published a file outside it (/proc/self/environ…) as a social image."""
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    before = tree(mini_site / "public")
    secret = tmp_path / "outside" / "secret.txt"
    secret.parent.mkdir()
    secret.write_text("AWS_SECRET=hunter2\n", encoding="utf-8")
    cache = mini_site / ".sitegen-cache"
    social = sorted((cache / "social").glob("*.png"))
    assert social, "the build keeps its social images in the cache"
    link, target = {
        "the cache folder": (cache, secret.parent),
        "the build lock": (cache / "build.lock", secret),
        "the cache file being written": (cache / "build.partial", secret),
        "a cached social image": (social[0], secret),
        "a cached image folder": (cache / "images", secret.parent),
    }[planted]
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    else:
        link.unlink(missing_ok=True)
    link.symlink_to(target)
    edit_a_post(mini_site)
    result = run_sitegen("build", "--no-cache", cwd=mini_site)
    assert result.returncode == 1, result.stderr
    no_traceback(result)
    # sitegen's own refusal, before the lock is opened (filelock 4 refuses a linked lock file itself; the
    # 3.12 that pyproject.toml allows opened it with O_TRUNC, emptying the file it points to).
    assert "sitegen's cache folder" in result.stderr and "hint: " in result.stderr, result.stderr
    assert secret.read_text(encoding="utf-8") == "AWS_SECRET=hunter2\n", "written through the link"
    assert sorted(p.name for p in secret.parent.iterdir()) == ["secret.txt"]
    assert tree(mini_site / "public") == before, "the last good output is left as it was"
    if cache.is_symlink():
        cache.unlink()
    else:
        shutil.rmtree(cache)
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    assert b"hunter2" not in b"".join(tree(mini_site / "public").values())


# -- 3. never a mix -------------------------------------------------------------

def start_build(site: Path, *args: str, env: dict[str, str] | None = None,
                stderr_file: Path | None = None) -> subprocess.Popen:
    """A real `sitegen build` in its own process group (its workers die with it)."""
    full_env = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, **(env or {})}
    err = stderr_file.open("w") if stderr_file else subprocess.DEVNULL
    return subprocess.Popen([sys.executable, "-m", "sitegen", "build", *args], cwd=site, env=full_env,
                            stdout=subprocess.DEVNULL, stderr=err, start_new_session=True)


def kill_hard(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=60)


STAGES = {"started": "old", "rendered": "old", "staged": "old", "swapped": "new"}


@pytest.mark.parametrize("mode", ["incremental", "cold"])
@pytest.mark.parametrize("stage", STAGES)
def test_kill_9_at_any_stage_leaves_the_old_output_or_the_new_one(mini_site: Path, stage: str, mode: str):
    options = ["--no-cache"] if mode == "cold" else []
    assert run_sitegen("build", *options, cwd=mini_site).returncode == 0
    old = tree(mini_site / "public")
    edit_a_post(mini_site)
    (mini_site / "content/posts/seulement.fr.md").unlink()  # a removal too
    new = clean_build(mini_site)
    assert new != old
    pause = mini_site.parent / "paused"
    process = start_build(mini_site, *options, env={"SITEGEN_TEST_PAUSE_AT": stage,
                                                    "SITEGEN_TEST_PAUSE_FILE": str(pause)})
    wait_for(pause.exists, what=f"the build to reach {stage}")
    kill_hard(process)
    assert tree(mini_site / "public") == (old if STAGES[stage] == "old" else new)
    # And the next build finishes the job from whatever was left.
    after = run_sitegen("build", *options, cwd=mini_site)
    assert after.returncode == 0, after.stderr
    assert tree(mini_site / "public") == new
    assert not (mini_site / ".public.building").exists()


def test_a_second_build_waits_for_the_first_and_a_killed_one_frees_the_lock(mini_site: Path):
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    edit_a_post(mini_site)
    new = clean_build(mini_site)
    pause = mini_site.parent / "paused"
    first = start_build(mini_site, env={"SITEGEN_TEST_PAUSE_AT": "rendered", "SITEGEN_TEST_PAUSE_FILE": str(pause)})
    wait_for(pause.exists, what="the first build to hold the lock")
    log = mini_site.parent / "second.log"
    second = start_build(mini_site, stderr_file=log)
    wait_for(lambda: "waiting for another build" in log.read_text(encoding="utf-8"), what="the second to wait")
    assert second.poll() is None, "the second build waits while the first runs"
    kill_hard(first)  # the lock dies with it
    assert second.wait(timeout=120) == 0, log.read_text(encoding="utf-8")
    assert tree(mini_site / "public") == new


def test_an_unexpected_exception_is_one_line_and_leaves_the_output(mini_site: Path):
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    old = tree(mini_site / "public")
    edit_a_post(mini_site)
    result = run_sitegen("build", cwd=mini_site, env={"SITEGEN_TEST_FAIL_AT": "staged"})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("internal error: RuntimeError"), result.stderr
    assert "please report it" in lines[0] and "--debug" in lines[0]
    assert tree(mini_site / "public") == old
    assert not (mini_site / ".public.building").exists()
    debug = run_sitegen("--debug", "build", cwd=mini_site, env={"SITEGEN_TEST_FAIL_AT": "staged"})
    assert debug.returncode == 1 and "Traceback" in debug.stderr


def test_a_notice_until_the_end_of_time_does_not_fail_after_the_swap(mini_site: Path):
    # 9999-12-30 is the last date sitegen reads (9999-12-31 is refused with a message, see
    # test_yaml_trust): the day it stops showing is the last one Python can represent.
    profile = mini_site / "content/profile.yml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("until: 2026-06-30", "until: 9999-12-30"),
                       encoding="utf-8")
    real_clock = {"SOURCE_DATE_EPOCH": ""}
    result = run_sitegen("build", cwd=mini_site, env=real_clock)
    assert result.returncode == 0, result.stderr
    assert (mini_site / ".sitegen-cache/build.msgpack").is_file()
    again = run_sitegen("build", cwd=mini_site, env=real_clock)
    assert again.returncode == 0, again.stderr


# -- 4. disks and mounts --------------------------------------------------------

def limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # then writes fail with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_gives_one_message_and_keeps_the_last_output(mini_site: Path):
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    old = tree(mini_site / "public")
    edit_a_post(mini_site)
    env = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run([sys.executable, "-m", "sitegen", "build"], cwd=mini_site, env=env,
                            capture_output=True, text=True, timeout=120, preexec_fn=limit_file_size(2000))
    assert result.returncode == 1, result.stdout + result.stderr
    no_traceback(result)
    assert result.stderr.startswith("error: cannot write ") and "file size limit" in result.stderr, result.stderr
    assert tree(mini_site / "public") == old
    assert not (mini_site / ".public.building").exists()


def _namespaces_work() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", "mount -t tmpfs tmpfs /mnt"], capture_output=True)
    return probe.returncode == 0


needs_mounts = pytest.mark.skipif(not _namespaces_work(), reason="unshare -rm (user and mount namespaces) unavailable")


def in_namespace(site: Path, script: str) -> subprocess.CompletedProcess[str]:
    """Runs `script` (sh) in the site folder as root of a new user and mount
    namespace, where it may mount; SITEGEN runs the real CLI."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": TODAY_EPOCH, "PYTHONDONTWRITEBYTECODE": "1",
           "SITEGEN": f"{sys.executable} -m sitegen"}
    return subprocess.run(["unshare", "-rm", "sh", "-euc", script], cwd=site, env=env, capture_output=True,
                          text=True, timeout=300)


@needs_mounts
@pytest.mark.parametrize("mount", ["tmpfs", "bind"])
def test_a_mounted_output_folder_is_built_into(mini_site: Path, mount: str):
    """A Docker volume cannot be renamed (EBUSY): its contents are swapped.
    A tmpfs is another device (seen before the build); a bind mount of the
    same disk is only found out when the rename fails (the fallback)."""
    (mini_site / "public").mkdir()
    source = mini_site.parent / "volume"
    source.mkdir()
    mount_cmd = "mount -t tmpfs tmpfs public" if mount == "tmpfs" else f"mount --bind {source} public"
    copies = mini_site.parent / "copies"
    script = f"""
        {mount_cmd}
        $SITEGEN build
        mkdir -p {copies}/first && cp -a public/. {copies}/first/
        cat >> content/posts/second.md <<'EOF'

A new paragraph.
EOF
        $SITEGEN build
        mountpoint -q public && echo STILL-MOUNTED
        cp -a public/. {copies}/second/ 2>/dev/null || (mkdir -p {copies}/second && cp -a public/. {copies}/second/)
    """
    result = in_namespace(mini_site, script)
    assert result.returncode == 0, result.stdout + result.stderr
    no_traceback(result)
    assert "STILL-MOUNTED" in result.stdout
    assert tree(copies / "second") == clean_build(mini_site)
    assert (copies / "first" / ".sitegen-output").is_file()


@needs_mounts
@pytest.mark.parametrize("disk", ["read-only output", "read-only site", "full tmpfs"])
def test_a_disk_that_refuses_writes_gives_one_message_and_keeps_the_last_output(mini_site: Path, disk: str):
    assert run_sitegen("build", cwd=mini_site).returncode == 0
    edit_a_post(mini_site)
    copies = mini_site.parent / "copies"
    if disk == "read-only output":
        setup, expected = "mount --bind public public && mount -o remount,ro,bind public", "read-only"
    elif disk == "read-only site":
        setup, expected = "mount --bind . . && mount -o remount,ro,bind .", "read-only"
    else:  # a small tmpfs holding the output's parent: the staging folder fills it
        setup = ("mkdir -p ../small && mount -t tmpfs -o size=96k tmpfs ../small && cp -a public ../small/ "
                 "&& mkdir ../small/.hold")
        expected = "disk is full"
    output = ["--output", "../small/public"] if disk == "full tmpfs" else []
    listed = "../small/public" if disk == "full tmpfs" else "public"
    script = f"""
        {setup}
        cd "$PWD"
        mkdir -p {copies}/before && cp -a {listed}/. {copies}/before/
        set +e
        $SITEGEN build {' '.join(output)} 2> {copies}.err
        echo "rc=$?"
        set -e
        mkdir -p {copies}/after && cp -a {listed}/. {copies}/after/
    """
    result = in_namespace(mini_site, script)
    assert result.returncode == 0, result.stdout + result.stderr
    error = (mini_site.parent / "copies.err").read_text(encoding="utf-8")
    assert "rc=1" in result.stdout, error
    assert "Traceback" not in error and error.startswith("error: ") and expected in error, error
    assert tree(copies / "after") == tree(copies / "before")
