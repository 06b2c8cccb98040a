"""Session files (.gmmx): round trip, continuing EM, references, damage, atomic saves."""

import os
import zipfile

import numpy as np
import pytest

from gmm_explorer.app.model.workspace import Workspace
from gmm_explorer.data import session_file
from gmm_explorer.data.session_file import SessionFileError


def _same_state(a, b):
    assert a.iteration == b.iteration
    for name in ("weights", "means", "covariances", "condition_numbers", "effective_counts",
                 "eigenvalues"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    assert a.log_likelihood == b.log_likelihood and a.objective == b.objective
    assert a.component_status == b.component_status
    assert a.collapse == b.collapse and a.events == b.events
    assert a.converged == b.converged and a.covariance_type == b.covariance_type
    assert a.pseudo_log_likelihood == b.pseudo_log_likelihood


def test_round_trip_keeps_history_settings_and_view(session, tmp_path):
    session.set_run_settings(tol=1e-5, delay=0.0)
    for _ in range(6):
        session.step()
    session.go_to(3)
    path = tmp_path / "work.gmmx"
    session.loading.save_session(path, view={"color_mode": "hard", "sigma": [1, 3]})
    other = Workspace()
    view = other.loading.open_session(path)
    try:
        assert view == {"color_mode": "hard", "sigma": [1, 3]}
        assert other.model == session.model and other.run_settings == session.run_settings
        np.testing.assert_array_equal(other.X, session.X)
        assert other.feature_names == session.feature_names
        assert other.current == 3 and other.axes == session.axes
        assert len(other.history) == 7
        for a, b in zip(session.history, other.history):
            _same_state(a, b)
        # Stepping from the shown (past) iteration discards the later ones, as live.
        session.step()
        other.step()
        _same_state(session.history[-1], other.history[-1])
        assert len(other.history) == 5
    finally:
        other.shutdown()


def test_restored_engine_continues_exactly(session, tmp_path):
    for _ in range(4):
        session.step()
    session.loading.save_session(tmp_path / "a.gmmx")
    other = Workspace()
    other.loading.open_session(tmp_path / "a.gmmx")
    for _ in range(5):
        session.step()
        other.step()
    _same_state(session.history[-1], other.history[-1])
    assert other.history[-1].iteration == 9
    other.shutdown()


@pytest.mark.parametrize("policy", ["stop", "remove"])
def test_collapse_records_round_trip(qapp, tmp_path, policy):
    s = Workspace()
    s.set_model(n_components=10, init="random_integers", reg_covar=0.0,
                            on_collapse=policy, random_state=0)
    s.loading.load_builtin("seed")
    for _ in range(25):
        s.step()
    collapsed = [st for st in s.history if st.collapse is not None]
    assert collapsed, "the seed scene with these settings should collapse"
    s.loading.save_session(tmp_path / "c.gmmx")
    other = Workspace()
    other.loading.open_session(tmp_path / "c.gmmx")
    for a, b in zip(s.history, other.history):
        _same_state(a, b)
    if policy == "stop":
        assert other.engine.halted and not other.step()  # still halted, says why
    else:
        assert other.history[-1].n_components < 10
        assert other.step() and other.history[-1].n_components == s.history[-1].n_components
    s.shutdown()
    other.shutdown()


def test_pinned_start_is_kept(session, tmp_path):
    start = {k: np.array(getattr(session.history[0], k)) for k in ("weights", "means",
                                                                    "covariances")}
    start["means"][0] += 1.0
    session.set_data(session.X, start=start, name="pinned")
    session.loading.save_session(tmp_path / "p.gmmx")
    other = Workspace()
    other.loading.open_session(tmp_path / "p.gmmx")
    np.testing.assert_array_equal(other.start["means"], start["means"])
    other.reset()
    other.set_model(reg_covar=1e-5)  # reinitializes from the pinned start
    np.testing.assert_allclose(other.history[0].means, start["means"])
    other.shutdown()


def test_data_by_reference_and_hash(qapp, tmp_path):
    csv = tmp_path / "pts.csv"
    rng = np.random.default_rng(0)
    np.savetxt(csv, rng.normal(size=(60, 2)), delimiter=",", header="a,b", comments="")
    s = Workspace()
    s.set_model(n_components=2)
    s.loading.open_file(str(csv))
    s.step()
    s.loading.save_session(tmp_path / "ref.gmmx", embed_data=False)
    with zipfile.ZipFile(tmp_path / "ref.gmmx") as zf:
        assert "data/X.npy" not in zf.namelist()
    other = Workspace()
    other.loading.open_session(tmp_path / "ref.gmmx")
    np.testing.assert_array_equal(other.X, s.X)
    with open(csv, "a") as fh:
        fh.write("1,2\n")
    with pytest.raises(SessionFileError, match="changed"):
        other.loading.open_session(tmp_path / "ref.gmmx")
    os.remove(csv)
    with pytest.raises(SessionFileError, match="no longer exists"):
        other.loading.open_session(tmp_path / "ref.gmmx")
    s.shutdown()
    other.shutdown()


def _damaged_variants(good: bytes, tmp_path):
    yield "truncated", good[: len(good) // 2]
    yield "garbage", bytes(range(256)) * 4
    yield "empty", b""
    foreign = tmp_path / "foreign.zip"
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("hello.txt", "not ours")
    yield "foreign zip", foreign.read_bytes()
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("manifest.json", '{"format": "something else"}')
    yield "foreign manifest", foreign.read_bytes()
    with zipfile.ZipFile(foreign, "w") as zf:
        zf.writestr("manifest.json", '{"format": "gmm-explorer session", "format_version": 99}')
    yield "newer", foreign.read_bytes()
    # Our manifest, with one array missing.
    src = zipfile.ZipFile(__import__("io").BytesIO(good))
    with zipfile.ZipFile(foreign, "w") as zf:
        for name in src.namelist():
            if name != "history/means.npy":
                zf.writestr(name, src.read(name))
    yield "missing array", foreign.read_bytes()
    # A pickled object array where a numeric one belongs.
    buf = __import__("io").BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with zipfile.ZipFile(foreign, "w") as zf:
        for name in src.namelist():
            zf.writestr(name, buf.getvalue() if name == "history/weights.npy"
                        else src.read(name))
    yield "pickle inside", foreign.read_bytes()
    # An .npz archive where a .npy array belongs (np.load gives no array then).
    npz = __import__("io").BytesIO()
    np.savez(npz, a=np.zeros(3))
    with zipfile.ZipFile(foreign, "w") as zf:
        for name in src.namelist():
            zf.writestr(name, npz.getvalue() if name == "history/weights.npy"
                        else src.read(name))
    yield "npz inside", foreign.read_bytes()
    # Sections of the wrong kind, and no format version.
    manifest = __import__("json").loads(src.read("manifest.json"))
    for what, change in (("data not a table", {"data": [1, 2]}),
                         ("states not a list", {"states": {"a": 1}}),
                         ("no version", {"format_version": None})):
        with zipfile.ZipFile(foreign, "w") as zf:
            for name in src.namelist():
                zf.writestr(name, __import__("json").dumps({**manifest, **change})
                            if name == "manifest.json" else src.read(name))
        yield what, foreign.read_bytes()


def test_damaged_or_foreign_files_leave_the_session_untouched(session, tmp_path):
    for _ in range(3):
        session.step()
    good_path = tmp_path / "good.gmmx"
    session.loading.save_session(good_path)
    good = good_path.read_bytes()
    history, X, engine = list(session.history), session.X, session.engine
    for what, content in _damaged_variants(good, tmp_path):
        bad = tmp_path / f"bad-{what.replace(' ', '_')}.gmmx"
        bad.write_bytes(content)
        with pytest.raises(SessionFileError) as info:
            session.loading.open_session(bad)
        assert str(bad) in str(info.value), what
        assert session.history == history and session.X is X and session.engine is engine
    assert session.step()  # still works


def test_save_is_atomic(session, tmp_path, monkeypatch):
    path = tmp_path / "keep.gmmx"
    session.loading.save_session(path)
    before = path.read_bytes()
    session.step()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", broken)
    with pytest.raises(SessionFileError, match="No space left"):
        session.loading.save_session(path)
    assert path.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ["keep.gmmx"]  # no temporary file left
    with pytest.raises(SessionFileError, match="folder does not exist"):
        session_file.write_session(tmp_path / "nope" / "x.gmmx",
                                   session.loading.snapshot())


def test_nothing_to_save(qapp, tmp_path):
    with pytest.raises(ValueError, match="nothing to save"):
        Workspace().loading.save_session(tmp_path / "x.gmmx")


def test_hand_made_mask_of_the_wrong_kind_is_refused(session, tmp_path):

    session.lab.add_points((1.0, 1.0))
    good_path = tmp_path / "hand.gmmx"
    session.loading.save_session(good_path)
    src = zipfile.ZipFile(good_path)
    assert "data/hand_made.npy" in src.namelist()
    buf = __import__("io").BytesIO()
    np.save(buf, np.ones(len(session.X), dtype=float))  # floats, not flags
    bad = tmp_path / "bad.gmmx"
    with zipfile.ZipFile(bad, "w") as zf:
        for name in src.namelist():
            zf.writestr(name, buf.getvalue() if name == "data/hand_made.npy"
                        else src.read(name))
    with pytest.raises(SessionFileError, match="hand_made.npy"):
        session.loading.open_session(bad)


def test_identities_come_back_from_files_without_them(session, tmp_path):
    import json
    import zipfile

    session.lab.load_preset("seed")
    session.lab.apply_remedy("remove", steps=10)
    ids = [tuple(st.component_ids) for st in session.history]
    path, old = tmp_path / "new.gmmx", tmp_path / "old.gmmx"
    session.loading.save_session(path)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(old, "w") as dst:
        for item in src.infolist():  # a file as written before identities were stored
            if item.filename != "history/component_ids.npy":
                data = src.read(item.filename)
                if item.filename == "manifest.json":
                    manifest = json.loads(data)
                    for row in manifest["states"]:
                        if "collapse" in row:
                            row["collapse"].pop("component_ids", None)
                    data = json.dumps(manifest).encode()
                dst.writestr(item, data)
    from gmm_explorer.data.session_file import read_session

    assert [tuple(st.component_ids) for st in read_session(old).history] == ids


def test_identities_that_do_not_follow_are_refused(session, tmp_path):
    import io
    import zipfile

    session.lab.load_preset("seed")
    session.lab.apply_remedy("remove", steps=10)
    path, bad = tmp_path / "new.gmmx", tmp_path / "bad.gmmx"
    session.loading.save_session(path)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(bad, "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "history/component_ids.npy":
                ids = np.load(io.BytesIO(data))
                ids[-1] = ids[-2]  # two components of one state with one identity
                buf = io.BytesIO()
                np.save(buf, ids)
                data = buf.getvalue()
            dst.writestr(item, data)
    with pytest.raises(SessionFileError, match="do not follow"):
        session.loading.open_session(bad)
