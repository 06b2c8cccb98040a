"""Hostile input files, built cheaply in a test's folder (no binaries in git).

Used through the ``hostile`` fixture (tests/conftest.py): ``hostile.bomb_npz()``
and so on, each returning the path of a new file under ``tmp_path``.
"""

import io
import json
import struct
import zipfile
import zlib

import numpy as np


class HostileFiles:
    def __init__(self, folder):
        self.folder = folder

    def _path(self, name):
        return self.folder / name

    # ------------------------------------------------------------------ zips
    @staticmethod
    def _bomb_member(n_mb: int, with_crc: bool) -> tuple[bytes, int, int]:
        """(deflated bytes, CRC-32, inflated size) of an ``.npy`` of ``n_mb`` MiB of zeros.

        Built without compressing gigabytes: after a full flush the compressor
        forgets its history, so each MiB of zeros compresses to the same bytes and
        the stream is one block repeated. The header goes first as a stored block.
        The CRC (checked by a reader only once every byte is inflated) costs a pass
        over the zeros, so it is computed only when asked for.
        """
        head = _npy_header(((n_mb << 20) // 16, 2))
        stored = b"\x00" + struct.pack("<HH", len(head), len(head) ^ 0xFFFF) + head
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        mib = bytes(1 << 20)
        block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
        crc = zlib.crc32(head)
        if with_crc:
            for _ in range(n_mb):
                crc = zlib.crc32(mib, crc)
        return stored + block * n_mb + c.flush(), crc, len(head) + (n_mb << 20)

    def bomb_npz(self, n_mb=4000, with_crc=False):
        """A 4 MB ``.npz`` whose array inflates to ``n_mb`` MiB (4 GB by default)."""
        path = self._path("bomb.npz")
        path.write_bytes(_zip([(b"X.npy", *self._bomb_member(n_mb, with_crc))]))
        return path

    def bomb_gmmx(self, n_mb=4000):
        """A session file whose embedded data member is a bomb.

        Every other member is a real session's (its manifest passes the schema, with the
        data's shape set to the bomb's claim), so that reading reaches the bomb.
        """
        real = self._path("real.gmmx")
        _write_small_session(real)
        members = []
        with zipfile.ZipFile(real) as zf:
            for info in zf.infolist():
                data = zf.read(info.filename)
                if info.filename == "data/X.npy":
                    continue
                if info.filename == "manifest.json":
                    manifest = json.loads(data)
                    manifest["data"]["shape"] = [(n_mb << 20) // 16, 2]
                    data = json.dumps(manifest).encode()
                members.append((info.filename.encode(), data, zlib.crc32(data), len(data), 0))
        members.append((b"data/X.npy", *self._bomb_member(n_mb, False)))
        path = self._path("bomb.gmmx")
        path.write_bytes(_zip(members))
        return path

    def lying_npy(self):
        """An .npy of a few hundred bytes whose header claims 8 TB."""
        path = self._path("lying.npy")
        path.write_bytes(_npy_header((10**12, 1)) + bytes(64))
        return path

    def lying_npz(self):
        path = self._path("lying.npz")
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("X.npy", _npy_header((10**12, 1)) + bytes(64))
        return path

    def bad_header_npz(self):
        """An .npz whose member's header is not a Python literal."""
        path = self._path("badheader.npz")
        text = b"{'descr': '<f8', 'fortran_order': False, 'shape': (3, 2 +), }"
        text += b" " * (118 - len(text)) + b"\n"
        member = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text + bytes(48)
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("X.npy", member)
        return path

    def _patched_npz(self, name, patch):
        ok = io.BytesIO()
        np.savez(ok, X=np.arange(20.0).reshape(10, 2))
        raw = bytearray(ok.getvalue())
        central = raw.find(b"PK\x01\x02")
        patch(raw, central)
        path = self._path(name)
        path.write_bytes(bytes(raw))
        return path

    def encrypted_npz(self):
        def patch(raw, central):
            raw[6] |= 1            # local header: general purpose flag, bit 0 = encrypted
            raw[central + 8] |= 1  # the same in the central directory
        return self._patched_npz("encrypted.npz", patch)

    def unknown_compression_npz(self):
        def patch(raw, central):
            raw[8] = 99            # compression method 99 (AES, or anything unknown)
            raw[central + 10] = 99
        return self._patched_npz("method99.npz", patch)

    def symlink_npz(self):
        path = self._path("symlink.npz")
        info = zipfile.ZipInfo("X.npy")
        info.external_attr = (0o120777 << 16)  # S_IFLNK: a symbolic link to the path below
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr(info, "/etc/passwd")
        return path

    # ------------------------------------------------------------------ text
    def wide_csv(self, rows=60, cols=10_000):
        path = self._path("wide.csv")
        np.savetxt(path, np.random.RandomState(0).rand(rows, cols), delimiter=",", fmt="%.3f")
        return path

    def many_fields_csv(self, n_fields=50_000_000):
        path = self._path("fields.csv")
        with open(path, "w") as fh:
            fh.write("a,b\n1,2\n3,4\n")
            fh.write("1," * (n_fields - 1) + "1\n")
        return path


def _npy_header(shape) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buf.getvalue()


def _zip(members) -> bytes:
    """A zip archive written by hand: ``(name, data, crc, size[, method])`` per member.

    The method is deflate (8) unless given; sizes stay below 4 GiB (no zip64).
    """
    body, central = b"", b""
    for name, data, crc, size, *method in members:
        method = method[0] if method else 8
        central += struct.pack("<4sHHHHHHIIIHHHHHII", b"PK\x01\x02", 20, 20, 0, method, 0,
                               0, crc, len(data), size, len(name), 0, 0, 0, 0, 0,
                               len(body)) + name
        body += struct.pack("<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, method, 0, 0, crc,
                            len(data), size, len(name), 0) + name + data
    end = struct.pack("<4sHHHHIIH", b"PK\x05\x06", 0, 0, len(members), len(members),
                      len(central), len(body), 0)
    return body + central + end


def _write_small_session(path) -> None:
    """A real two-dimensional session file, of a few states, at ``path``."""
    from dataclasses import asdict

    from gmm_explorer.data import session_file
    from gmm_explorer.engine import GaussianMixtureEM
    from gmm_explorer.engine.options import ModelSettings

    X = np.random.default_rng(0).standard_normal((40, 2))
    em = GaussianMixtureEM(n_components=2, random_state=0)
    em.initialize(X)
    em.step()
    model = ModelSettings(n_components=2)
    session_file.write_session(path, session_file.SessionSnapshot(
        model=asdict(model), run={"max_iter": 200, "tol": 1e-3, "delay": 0.25}, X=X,
        feature_names=["a", "b"], history=list(em.history), current=1))
