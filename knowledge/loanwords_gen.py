"""Build ``knowledge/data/loanwords.tsv.gz``, katakana loanwords and their English origin, from UniDic.

    pip download --no-deps unidic-lite==1.0.8 && tar xzf unidic-lite-1.0.8.tar.gz
    .venv/bin/python -m knowledge.loanwords_gen unidic-lite-1.0.8/unidic_lite/dicdir/sys.dic

(or with unidic-lite installed, no argument: its ``sys.dic`` is found). Run once, when the
table should change; the table is shipped, unidic-lite is never a dependency.

``sys.dic`` is a compiled MeCab dictionary: a 72-byte header (ten little-endian uint32:
magic, version, type, lexicon size, left and right context sizes, then the byte sizes of the
double array, the token array and the feature block; a 32-byte charset), the double array,
16-byte tokens (left and right context ids, part-of-speech id, int16 word cost, uint32 offset
of the token's feature string, uint32 compound), and the feature strings, NUL-terminated
CSV. UniDic's features (see its ``dicrc``): f[0] part of speech, f[7] lemma written
``カタカナ-origin`` for loanwords (``インスタンス-instance``), f[8] the written form, f[10] its
base form, f[12] the word origin (``外`` = foreign). A katakana written form of a noun of foreign
origin whose lemma carries a Latin origin becomes one row; where one spelling has several
origins (コード: code, chord, cord), the origin of the cheapest entry (the most frequent word in
UniDic's cost model) wins, and ``OVERRIDES`` in ``knowledge.loanwords`` fixes the rest at
lookup time.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import re
import struct
import sys
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
TABLE = DATA / "loanwords.tsv.gz"
CHECKSUM = DATA / "loanwords.sha256"
_HEADER = struct.Struct("<10I32s")
_TOKEN = struct.Struct("<3HhII")
_KATAKANA = re.compile(r"[\u30a1-\u30fa\u30fcヴ]{2,}")  # two or more: ア, イ alone are noise
_ORIGIN = re.compile(r"[a-z][a-z' .-]*[a-z]")
_FOREIGN = "外"


def find_sys_dic() -> Path:
    """The ``sys.dic`` of an installed unidic-lite."""
    import importlib.util

    spec = importlib.util.find_spec("unidic_lite")
    if spec is None or spec.origin is None:
        raise SystemExit("unidic-lite is not installed: give the path of its sys.dic")
    return Path(spec.origin).parent / "dicdir" / "sys.dic"


def extract(sys_dic: Path) -> list[tuple[str, str]]:
    """(katakana written form, English origin) pairs, one per form, sorted by form."""
    data = sys_dic.read_bytes()
    fields = _HEADER.unpack_from(data)
    double_array, token_bytes, feature_bytes = fields[6], fields[7], fields[8]
    tokens_at = _HEADER.size + double_array
    features_at = tokens_at + token_bytes
    best: dict[str, tuple[int, str]] = {}
    seen: dict[int, tuple[str, ...]] = {}
    for _, _, _, cost, feature, _ in _TOKEN.iter_unpack(data[tokens_at:features_at]):
        found = seen.get(feature)
        if found is None:
            end = data.index(b"\0", features_at + feature)
            raw = data[features_at + feature : end].decode("utf-8")
            found = seen[feature] = tuple(_forms(raw))
        for form, origin in zip(found[::2], found[1::2], strict=True):
            if form not in best or cost < best[form][0]:
                best[form] = (cost, origin)
    assert feature_bytes  # the feature block is where the offsets point
    return sorted((form, origin) for form, (_, origin) in best.items())


def _forms(raw: str) -> list[str]:
    """Flattened (form, origin) pairs of one feature string, empty unless a foreign noun."""
    f = next(csv.reader([raw]))
    if len(f) < 13 or f[12] != _FOREIGN or f[0] != "名詞" or "-" not in f[7]:
        return []
    origin = f[7].split("-", 1)[1].lower()
    if not _ORIGIN.fullmatch(origin):
        return []
    out: list[str] = []
    for form in dict.fromkeys((f[8], f[10], f[7].split("-", 1)[0])):
        if _KATAKANA.fullmatch(form):
            out += [form, origin]
    return out


def render(rows: list[tuple[str, str]]) -> bytes:
    return "".join(f"{form}\t{origin}\n" for form, origin in rows).encode("utf-8")


def write(rows: list[tuple[str, str]]) -> None:
    text = render(rows)
    TABLE.write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    CHECKSUM.write_text(hashlib.sha256(text).hexdigest() + "\n", encoding="ascii")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sys_dic", nargs="?", type=Path, help="UniDic's sys.dic (default: the installed unidic-lite's)")
    options = parser.parse_args(argv)
    rows = extract(options.sys_dic or find_sys_dic())
    write(rows)
    print(f"{len(rows)} loanwords → {TABLE} ({TABLE.stat().st_size / 1024:.0f} KiB)", file=sys.stderr)


if __name__ == "__main__":
    main()
