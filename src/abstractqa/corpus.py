"""Parse seed files in any of three layouts, clean them and merge duplicates into `Paper`s.

Layouts, detected per file (never by file name):

* ``abstract-lines``: one abstract per line, each starting ``Abstract:``.
* ``author-pairs``: alternating lines, an author list then that paper's abstract.
* ``blocks``: blank-line separated paragraphs: the abstract, an optional notes paragraph
  ("Project page: ... Code is available at ..."), then ``arXiv:NNNN.NNNNN`` and
  ``Created: YYYY-MM-DD`` lines.

Bad input never stops an ingest: each problem becomes a `Warning` naming file and line.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from abstractqa.titles import derive_title, find_names
from abstractqa.types import Paper

PARSER_VERSION = "1"

ARXIV_LINE = re.compile(r"^arXiv:\s*(\d{4}\.\d{4,5})(v\d+)?\s*$", re.IGNORECASE)
CREATED_LINE = re.compile(r"^Created:\s*(\d{4}-\d{2}-\d{2})\s*$", re.IGNORECASE)
URL = re.compile(r"https?://[^\s;,)]+")
# Lines that belong to the abstract above them: (Record field, pattern, name in warnings).
METADATA_LINES = [("arxiv_id", ARXIV_LINE, "arXiv"), ("created", CREATED_LINE, "Created")]
NOTES_HINT = re.compile(r"project page|code (is|will be) (made )?available|tech report", re.I)
# "First Last, First M. Last, ..." -- capitalised name tokens, commas, no sentence full stop.
AUTHOR_NAME = re.compile(r"^[A-ZÀ-ÖØ-Þ][\w'’.\-]*(?: [\w'’.\-]+){0,4}$")


@dataclass(frozen=True)
class IngestWarning:
    """A problem in one file, at one 1-based line (0 when it concerns the whole file)."""

    file: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}" if self.line else f"{self.file}: {self.message}"


@dataclass
class Record:
    """One abstract as read from one place, before merging."""

    abstract: str
    source: str
    authors: list[str] = field(default_factory=list)
    arxiv_id: str | None = None
    created: str | None = None
    urls: list[str] = field(default_factory=list)


@dataclass
class Corpus:
    """The result of reading seed files: merged papers plus what happened on the way."""

    papers: list[Paper]
    records_read: int
    merged: int
    skipped: int
    warnings: list[IngestWarning]
    files: list[str]


# --------------------------------------------------------------------------------------------
# Reading files


def read_lines(path: Path, label: str, warnings: list[IngestWarning]) -> list[str] | None:
    """Decode a file line by line; bad bytes are replaced and reported, binaries and files that
    can't be read skipped."""
    try:
        data = path.read_bytes()
    except OSError as err:
        warnings.append(IngestWarning(label, 0, f"cannot be read ({err.strerror or err}), skipped"))
        return None
    if not data.strip():
        warnings.append(IngestWarning(label, 0, "empty file, skipped"))
        return None
    if b"\x00" in data[:4096]:
        warnings.append(IngestWarning(label, 0, "binary file (NUL bytes), skipped"))
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    lines: list[str] = []
    bad_lines = 0
    for number, raw in enumerate(data.split(b"\n"), start=1):
        raw = raw.rstrip(b"\r")
        try:
            lines.append(raw.decode("utf-8"))
        except UnicodeDecodeError as err:
            bad_lines += 1
            warnings.append(
                IngestWarning(
                    label,
                    number,
                    f"invalid UTF-8 byte 0x{raw[err.start]:02x} at column {err.start + 1}; "
                    "replaced with U+FFFD",
                )
            )
            lines.append(raw.decode("utf-8", errors="replace"))
    if bad_lines > max(3, len(lines) // 2):
        warnings.append(IngestWarning(label, 0, "mostly undecodable (binary?), skipped"))
        return None
    return lines


def detect_format(lines: list[str]) -> str | None:
    """Name the layout of a file's lines, or None when it matches none."""
    content = [ln.strip() for ln in lines if ln.strip()]
    if not content:
        return None
    if sum(ln.startswith("Abstract:") for ln in content) >= max(1, len(content) * 0.8):
        return "abstract-lines"
    if any(ARXIV_LINE.match(ln) or CREATED_LINE.match(ln) for ln in content):
        return "blocks"
    if len(content) >= 2 and sum(is_author_line(ln) for ln in content[::2]) >= len(content[::2]) * 0.8:
        return "author-pairs"
    return None


def is_author_line(line: str) -> bool:
    """True for a comma-separated list of person names."""
    if len(line) > 1500 or line.rstrip().endswith("."):
        return False
    names = [n.strip() for n in re.split(r",|\band\b", line) if n.strip()]
    return bool(names) and all(AUTHOR_NAME.match(n) for n in names)


def parse_abstract_lines(lines: list[str], label: str, warnings: list[IngestWarning]) -> list[Record]:
    records = []
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if not text.startswith("Abstract:"):
            warnings.append(IngestWarning(label, number, "line does not start with 'Abstract:', skipped"))
            continue
        records.append(Record(text.removeprefix("Abstract:"), f"{label}:{number}"))
    return records


def parse_author_pairs(lines: list[str], label: str, warnings: list[IngestWarning]) -> list[Record]:
    records = []
    pending: tuple[int, list[str]] | None = None
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if is_author_line(text):
            if pending:
                warnings.append(IngestWarning(label, pending[0], "author list with no abstract after it, skipped"))
            pending = (number, [a.strip() for a in text.split(",") if a.strip()])
            continue
        if pending is None:
            warnings.append(IngestWarning(label, number, "abstract with no author line before it"))
            records.append(Record(text, f"{label}:{number}"))
        else:
            records.append(Record(text, f"{label}:{number}", authors=pending[1]))
            pending = None
    if pending:
        warnings.append(IngestWarning(label, pending[0], "truncated record: author list with no abstract, skipped"))
    return records


def parse_blocks(lines: list[str], label: str, warnings: list[IngestWarning]) -> list[Record]:
    records: list[Record] = []
    current: Record | None = None
    block: list[str] = []
    block_start = 0

    def close_block() -> None:
        nonlocal current, block
        if not block:
            return
        text = " ".join(s.strip() for s in block)
        starts_record = current is None or current.arxiv_id or current.created
        if current is not None and not starts_record and NOTES_HINT.search(text):
            current.urls.extend(clean_url(u) for u in URL.findall(text))
        else:
            current = Record(text, f"{label}:{block_start}")
            records.append(current)
        block = []

    for number, line in enumerate(lines, start=1):
        text = line.strip()
        field = next(((name, m) for name, pattern, _ in METADATA_LINES if (m := pattern.match(text))), None)
        if field is not None:
            close_block()
            name, match = field
            if current is None:
                what = next(word for n, _, word in METADATA_LINES if n == name)
                warnings.append(IngestWarning(label, number, f"{what} line with no abstract before it"))
            else:
                setattr(current, name, match.group(1))
            continue
        if not text:
            close_block()
            continue
        if not block:
            block_start = number
        block.append(text)
    close_block()
    return records


PARSERS = {
    "abstract-lines": parse_abstract_lines,
    "author-pairs": parse_author_pairs,
    "blocks": parse_blocks,
}


# --------------------------------------------------------------------------------------------
# Cleaning, naming and merging


def clean_text(text: str) -> str:
    """Normalise Unicode and whitespace; keep the words exactly as written."""
    text = unicodedata.normalize("NFC", text)
    return re.sub(r"\s+", " ", text).strip()


def clean_url(url: str) -> str:
    return url.rstrip(".;,")


def dedupe_key(abstract: str) -> str:
    """Two abstracts are the same paper when they match ignoring case, spacing and punctuation."""
    folded = unicodedata.normalize("NFKC", abstract).casefold()
    return hashlib.sha1(re.sub(r"[\W_]+", "", folded).encode()).hexdigest()


def paper_id_for(arxiv_id: str | None, abstract: str) -> str:
    return arxiv_id or "h" + hashlib.sha1(clean_text(abstract).encode()).hexdigest()[:10]


def merge(records: Iterable[Record]) -> tuple[list[Paper], int]:
    """Merge records with the same abstract; returns (papers, how many records were merged)."""
    groups: dict[str, list[Record]] = {}
    for rec in records:
        groups.setdefault(dedupe_key(rec.abstract), []).append(rec)
    papers = []
    merged = 0
    for group in groups.values():
        merged += len(group) - 1
        # The longest copy is the most complete one.
        abstract = max((r.abstract for r in group), key=len)
        arxiv_id = next((r.arxiv_id for r in group if r.arxiv_id), None)
        names = find_names(abstract)
        papers.append(
            Paper(
                paper_id=paper_id_for(arxiv_id, abstract),
                title=derive_title(abstract, names),
                authors=_union(a for r in group for a in r.authors),
                arxiv_id=arxiv_id,
                created=next((r.created for r in group if r.created), None),
                urls=_union([*(u for r in group for u in r.urls), *map(clean_url, URL.findall(abstract))]),
                abstract=abstract,
                sources=[r.source for r in group],
                aliases=names,
            )
        )
    return papers, merged


def _union(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def iter_seed_files(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*.txt") if p.is_file()))
        elif path.is_file():
            files.append(path)
        else:
            raise FileNotFoundError(f"no such seed file or folder: {path}")
    return files


def load_corpus(paths: Iterable[Path], min_words: int = 20, max_chars: int = 20000) -> Corpus:
    """Read every seed file under `paths` into merged, cleaned papers.

    Example:
        >>> corpus = load_corpus([Path("seeds")])  # doctest: +SKIP
        >>> len(corpus.papers)  # doctest: +SKIP
        43
    """
    warnings: list[IngestWarning] = []
    records: list[Record] = []
    files = iter_seed_files(paths)
    for path in files:
        label = path.name
        lines = read_lines(path, label, warnings)
        if lines is None:
            continue
        layout = detect_format(lines)
        if layout is None:
            warnings.append(IngestWarning(label, 0, "matches none of the known layouts, skipped"))
            continue
        for rec in PARSERS[layout](lines, label, warnings):
            rec.abstract = clean_text(rec.abstract)
            line = int(rec.source.rsplit(":", 1)[1])
            if len(rec.abstract) > max_chars:
                # One huge "abstract" would become thousands of chunks (a 5 MB line: 11,804).
                warnings.append(
                    IngestWarning(
                        label,
                        line,
                        f"record of {len(rec.abstract):,} characters is longer than "
                        f"corpus.max_abstract_chars ({max_chars:,}), skipped",
                    )
                )
                continue
            if len(rec.abstract.split()) < min_words:
                warnings.append(
                    IngestWarning(label, line, f"truncated record ({len(rec.abstract.split())} words), skipped")
                )
                continue
            records.append(rec)
    # Record-level problems carry a line number; whole-file ones (line 0) are not records.
    skipped = sum(1 for w in warnings if w.line and w.message.endswith("skipped"))
    papers, merged = merge(records)
    papers.sort(key=lambda p: (p.sources[0].split(":")[0], int(p.sources[0].split(":")[1])))
    return Corpus(papers, len(records), merged, skipped, warnings, [p.name for p in files])
