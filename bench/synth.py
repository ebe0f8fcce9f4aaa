"""A deterministic synthetic archive for benchmarks: the same seed gives the same files.

    python bench/synth.py OUT --posts 400 --comments 20000 [--queued 50] [--seed 1]

writes OUT/content/posts/, OUT/content/comments/<slug>/<id>.md and
OUT/moderation/queue/ in the archive format. About a third of the comments are
replies, at realistic depths (most one or two levels, a few chains of ten and
more); bodies are Markdown of one to six paragraphs with links, quotes and lists,
drawn from a fixed vocabulary of peer-support words.
"""

from __future__ import annotations

import argparse
import os
import random
from datetime import datetime, timedelta

WORDS = (
    "therapist session break holiday summer week month year feel felt feeling anxious calm safe scared "
    "alone together group friend partner family mother father sister brother work sleep night morning "
    "evening sunday monday letter write wrote journal notebook walk tea coffee rain garden dog cat music "
    "breathe breathing panic grief loss miss missed remember memory hope hopeful tired rest help helped "
    "support kind kindness gentle honest trust attachment abandonment boundary boundaries ending endings "
    "goodbye return back waiting wait days hours minutes plan planned routine routines small steps care "
    "self crisis line call called text message reply replied thread comment read reading thank thanks "
    "understand understood hard harder easier better worse today tomorrow yesterday again always never "
    "sometimes often slowly quietly really actually maybe perhaps think thought know knew learn learned "
    "therapy counsellor counselor psychologist appointment cancel cancelled vacation travel home house "
    "room window light dark winter spring autumn cold warm voice quiet noise crowd bus train kitchen"
).split()
FILLER = "the a and to of in it is that was for on with my but so as at be this have not".split()
NAMES = (
    "Mira TPG quietfern Sam Ana owl_at_3am Jo river Kit Ruth Tomasz Lena Priya Dee marigold Wren Pip Hal "
    "Ελένη Юлия 美咲 أمل Odile Rae Lou Ash Bea Cal Dot Eli Fay Gus Ida Jem Kai Lia Max Ned "
    "Oli Pat Quin Ros Tam Uma Val Wyn Xan Yas Zoe"
).split()
SYLLABLES = (
    "ba be bi bo ca ce co da de di do fa fe fi ga ge go la le li lo ma me mi mo na ne ni no "
    "pa pe pi po ra re ri ro sa se si so ta te ti to va ve vi wa we wi"
).split()


def vocabulary(seed: int, size: int = 6000) -> tuple[list[str], list[float]]:
    """WORDS and made-up words, with Zipf-like frequencies, as a real archive's vocabulary has."""
    rng = random.Random(seed * 7919)
    made = {"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)}
    words = WORDS + sorted(made - set(WORDS))
    rng.shuffle(words)
    weights, total = [], 0.0
    for rank in range(1, len(words) + 1):
        total += 1 / rank**1.07
        weights.append(total)
    return words, weights


Vocabulary = tuple[list[str], list[float]]


def sentence(rng: random.Random, vocabulary: Vocabulary) -> str:
    vocab, cumulative = vocabulary
    words = [
        rng.choices(vocab, cum_weights=cumulative)[0] if rng.random() < 0.55 else rng.choice(FILLER)
        for _ in range(rng.randint(6, 18))
    ]
    text = " ".join(words)
    return text[0].upper() + text[1:] + rng.choice(".!?..")


def paragraph(rng: random.Random, vocab: Vocabulary) -> str:
    return " ".join(sentence(rng, vocab) for _ in range(rng.randint(1, 4)))


def body(rng: random.Random, vocab: Vocabulary) -> str:
    parts = []
    for _ in range(rng.choices([1, 2, 3, 4, 6], weights=[30, 30, 20, 15, 5])[0]):
        kind = rng.random()
        if kind < 0.12:
            parts.append("> " + sentence(rng, vocab))
        elif kind < 0.2:
            parts.append("\n".join(f"- {sentence(rng, vocab)}" for _ in range(rng.randint(2, 4))))
        elif kind < 0.28:
            link = f"[this page](https://example.org/{rng.choice(WORDS)})"
            parts.append(f"{sentence(rng, vocab)} See {link} or https://example.net/{rng.randint(1, 999)}.")
        else:
            parts.append(paragraph(rng, vocab))
    return "\n\n".join(parts)


def write(path: str, text: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def generate(out: str, posts: int, comments: int, queued: int = 0, seed: int = 1) -> dict[str, int]:
    vocab = vocabulary(seed)
    rng = random.Random(seed)
    start = datetime(2020, 1, 1, 9, 0)
    slugs = [f"post-{i:05d}" for i in range(posts)]
    for i, slug in enumerate(slugs):
        date = start + timedelta(days=i)
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(3, 7))).title()
        tags = ", ".join(sorted({rng.choice(WORDS) for _ in range(3)}))
        write(
            os.path.join(out, "content", "posts", f"{slug}.md"),
            f"Title: {title}\nDate: {date:%Y-%m-%d %H:%M}\nAuthor: {rng.choice(['Sonia', 'Noor', 'Ben'])}\n"
            f"Slug: {slug}\nCategory: {rng.choice(['Therapy', 'Grief', 'Community', 'Self-care'])}\nTags: {tags}\n\n"
            + "\n\n".join(paragraph(rng, vocab) for _ in range(rng.randint(3, 8)))
            + "\n",
        )
    # Comments spread unevenly: some threads are long.
    weights = [rng.paretovariate(1.2) for _ in slugs]
    by_thread: dict[str, list[tuple[str, datetime, int]]] = {slug: [] for slug in slugs}
    replies = 0
    for n in range(comments + queued):
        slug = rng.choices(slugs, weights=weights)[0]
        thread = by_thread[slug]
        cid = f"c{n:06d}"
        post_date = start + timedelta(days=slugs.index(slug))
        date = (thread[-1][1] if thread else post_date) + timedelta(minutes=rng.randint(5, 600))
        headers = [f"Author: {rng.choice(NAMES)}", f"Email: person{rng.randint(1, 3000)}@example.org",
                   f"Date: {date:%Y-%m-%d %H:%M}"]  # fmt: skip
        depth = 0
        if thread and rng.random() < 0.35:
            # Reply to a recent comment more often than an old one; depth stays realistic.
            parent_id, _, parent_depth = thread[-min(len(thread), rng.choice([1, 1, 2, 3, 5, 10]))]
            headers.append(f"Reply-To: {parent_id}")
            depth = parent_depth + 1
            replies += 1
        if rng.random() < 0.12:
            headers.append(f"Website: https://example.net/{rng.choice(WORDS)}")
        folder = "moderation/queue" if n >= comments else "content/comments"
        write(os.path.join(out, folder, slug, f"{cid}.md"), "\n".join(headers) + "\n\n" + body(rng, vocab) + "\n")
        if n < comments:
            thread.append((cid, date, depth))
    return {"posts": posts, "comments": comments, "replies": replies, "queued": queued}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out")
    parser.add_argument("--posts", type=int, default=400)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--queued", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.out, args.posts, args.comments, args.queued, args.seed))


if __name__ == "__main__":
    main()
