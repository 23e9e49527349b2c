"""What a sentence says is made: "which papers generate video together with audio?" asks for
the papers that make both, and "capable of synthesizing high-quality video, with matching
audio" makes both, while "create automatic video narrators" makes narrators, not video.

A medium (video, audio, image, speech, music) is made where it is the head of what a verb of
making takes ("generates high-quality, 1080p HD videos with ...", "generated video",
"generation of personalized videos") or stands right before a noun of making ("video-to-audio
generation", "video editing", "video gen models"). The same reading finds what a question asks
to be made and what an abstract's sentence makes. Words, not meaning: the verb and the noun must
be in one sentence, with no preposition, clause or negation between them.
"""

from __future__ import annotations

import re

# What a question may ask to be made, and the words a sentence may make it in ("sound" is
# made by "video-to-audio generation"; "speech" only by speech).
_MEDIA: dict[str, frozenset[str]] = {
    "video": frozenset({"video", "videos"}),
    "audio": frozenset({"audio", "sound", "sounds", "speech", "music"}),
    "speech": frozenset({"speech"}),
    "music": frozenset({"music"}),
    "image": frozenset({"image", "images", "picture", "pictures", "photo", "photos"}),
}
_MEDIUM_OF = {
    **{w: "video" for w in ("video", "videos")},
    **{w: "audio" for w in ("audio", "sound", "sounds")},
    "speech": "speech",
    "music": "music",
    **{w: "image" for w in ("image", "images", "picture", "pictures", "photo", "photos")},
}
# Verbs (and their nouns) of making or of turning one thing into another.
_MAKING = re.compile(r"^(?:generat|synthes|produc|creat|render|manipulat|transform(?!er)|edit|output|make|makes|making|made|gen)")
# What may follow a medium and keep it the thing made: "an audio track", "a video clip".
_CONTAINERS = frozenset("track tracks clip clips content output outputs sample samples stream streams signal signals".split())
# Words that end what a verb takes: prepositions, clauses, negations, pronouns.
_BARRIERS = frozenset(
    "from of for in on at by to into onto within via using than as that which who while where when whether because "
    "is are was were be been being it its they them their this these those not no without just only "
    ". ; : ( ) ?".split()
)
# What may follow the head and join another thing made to it ("video together w/ sound").
_JOINING = frozenset("and or , with together along alongside plus w".split())
_TOKEN = re.compile(r"[a-z0-9]+|[.;:()?,]")
_REACH = 14  # tokens between a verb of making and the medium it takes, at most ("generates
# high-quality, 1080p HD videos with different aspect ratios and synchronized audio")
# Verbs that change a thing rather than make one: what a sentence may make a medium by ("we
# manipulate input speech"), but not what a question asks for in "make" ("which papers can
# edit videos?" asks for editing, not for the video generators).
_CHANGING = ("manipulat", "transform", "edit")


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.casefold())


def _head(tokens: list[str], i: int) -> bool:
    """Whether the medium at `i` ends its noun phrase ("videos with", "video,", "an audio
    track"), not a word before its head ("video narrators", "video tasks")."""
    nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
    if nxt == "like" or nxt == "as" and tokens[i + 2 : i + 3] in (["if"], ["though"]):
        return False  # "making a voice recording sound as if ...": a verb, not a thing made
    return not nxt or nxt in _BARRIERS or nxt in _JOINING or nxt in _CONTAINERS or nxt.endswith(("ed", "ing"))


def _made_at(tokens: list[str], i: int, asked: bool = False) -> bool:
    """Whether the medium at `i` is made: right before a noun of making, or the head of what a
    verb of making a few words before takes. Of a question (`asked`), not by a participle:
    "a human study of generated images" asks about the study."""
    if i + 1 < len(tokens) and _MAKING.match(nxt := tokens[i + 1]) and not nxt.startswith("product") and not (asked and nxt.startswith(_CHANGING)):
        return True  # "video generation", "video-to-audio generation", "video editing", "video gen"
    if not _head(tokens, i):
        return False
    for j in range(i - 1, max(-1, i - 1 - _REACH), -1):
        t = tokens[j]
        if _MAKING.match(t) and t != "gen":
            return not (asked and (t.endswith("ed") or t.startswith(_CHANGING)))
        # "generation of personalized videos": "of" right after the noun of making
        if t in _BARRIERS and not (t == "of" and j > 0 and _MAKING.match(tokens[j - 1])):
            return False
    return False


def made_media(text: str) -> list[str]:
    """The media a question asks to be made, in order ("generate video together w/ sound":
    ["video", "audio"]); [] where it makes none."""
    found: list[str] = []
    for sentence in re.split(r"(?<=[.?!])\s+", text):
        tokens = _tokens(sentence)
        for i, t in enumerate(tokens):
            if (medium := _MEDIUM_OF.get(t)) and medium not in found and _made_at(tokens, i, asked=True):
                found.append(medium)
    return found


_WORDS = "|".join(_MEDIUM_OF)
_ALTERNATIVES = re.compile(rf"\b({_WORDS})\s*(?:/|\bor\b)\s*({_WORDS})\b", re.I)


def any_of(text: str) -> bool:
    """Whether `text` offers two media as alternatives ("images or videos"), so that a paper
    making one is enough; "sound/audio" names one medium twice."""
    return any(_MEDIUM_OF[a.casefold()] != _MEDIUM_OF[b.casefold()] for a, b in _ALTERNATIVES.findall(text))


def makes(sentence: str, medium: str) -> bool:
    """Whether `sentence` makes the `medium` (one of `made_media`'s), in any of its words."""
    words = _MEDIA[medium]
    tokens = _tokens(sentence)
    return any(t in words and _made_at(tokens, i) for i, t in enumerate(tokens))
