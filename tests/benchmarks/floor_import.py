"""Floor for the CSV import: the roster's rows into `member` and `member_tag`, nothing checked.

Parses the CSV with the csv module and writes the same columns (keys by a plain casefold, so the
unique indexes do the same work) with stdlib `executemany` in one BEGIN IMMEDIATE transaction,
on a connection with the pragmas and page cache circlekeeper's import uses. It imports nothing
from circlekeeper: it is the least any import of this file into this schema can cost.

    python tests/benchmarks/floor_import.py DB CSV
"""

import csv
import datetime as dt
import sqlite3
import sys
from urllib.parse import quote

PRAGMAS = (
    "PRAGMA foreign_keys = ON",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA busy_timeout = 5000",
    "PRAGMA secure_delete = ON",
    "PRAGMA cache_size = -65536",
)
INSERT_MEMBER = (
    "INSERT INTO member (id, name, name_key, email, email_key, handle, handle_key, timezone,"
    " joined_on, status, paused_until, consent_named, consent_recognised, version,"
    " created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', NULL, 0, 0, 1, ?, ?)"
)
INSERT_TAG = "INSERT INTO member_tag (member_id, key, value) VALUES (?, ?, ?)"
INSERT_TAG_WITH_KEY = (
    "INSERT INTO member_tag (member_id, key, value, value_key) VALUES (?, ?, ?, ?)"
)


def main(db: str, roster: str) -> int:
    """Insert every row of `roster` into `db`; print how many members were written."""
    stamp = dt.datetime.now(dt.UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")
    members = []
    tags = []
    with open(roster, encoding="utf-8", newline="") as handle:
        for member_id, row in enumerate(csv.DictReader(handle), start=1):
            email = row["email"] or None
            handle_ = row["handle"] or None
            members.append(
                (
                    member_id,
                    row["name"],
                    row["name"].casefold(),
                    email,
                    email.casefold() if email else None,
                    handle_,
                    handle_.casefold().removeprefix("@") if handle_ else None,
                    row["timezone"] or "UTC",
                    row["joined_on"],
                    stamp,
                    stamp,
                )
            )
            for pair in row["tags"].split(";"):
                key, _, value = pair.partition("=")
                tags.append((member_id, key, value, value.casefold()))
    conn = sqlite3.connect(f"file:{quote(db)}?mode=rw", uri=True, isolation_level=None)
    for pragma in PRAGMAS:
        conn.execute(pragma)
    tag_columns = {column[1] for column in conn.execute("PRAGMA table_info(member_tag)")}
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(INSERT_MEMBER, members)
    if "value_key" in tag_columns:  # schema 3 keeps a casefolded copy of each tag value
        conn.executemany(INSERT_TAG_WITH_KEY, tags)
    else:
        conn.executemany(INSERT_TAG, (tag[:3] for tag in tags))
    conn.execute("COMMIT")
    conn.close()
    print(len(members))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
