"""The limits an audit package must keep (RELIABILITY.md C.1).

A package comes from another computer, perhaps from someone who means harm. Every size the
reader trusts enough to allocate memory, disk or time for is capped here, in one place, so that
a zip bomb, a million members or a JSON document nested a hundred thousand levels deep is refused
before it costs anything. The defaults are far above what a real audit needs (300 photos of 12
megapixels make a package of about 1.3 GB); tests pass smaller limits instead of writing
gigabytes.
"""

from __future__ import annotations

from dataclasses import dataclass

KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB


@dataclass(frozen=True, slots=True)
class Limits:
    """What a package may hold at most. Frozen: pass ``dataclasses.replace(DEFAULT_LIMITS, …)``."""

    package_size: int = 4 * GiB  # the .oekoaudit file
    members: int = 20_000  # entries in the zip
    manifest_size: int = 8 * MiB  # manifest.json, unpacked
    json_size: int = 64 * MiB  # each audits/*.json and catalogues/*.json, unpacked
    json_depth: int = 64  # nesting of arrays and objects in any JSON member
    string_length: int = 1 * MiB  # characters of any JSON string
    blob_size: int = 200 * MiB  # each evidence original
    total_size: int = 8 * GiB  # sum of the declared unpacked sizes of all members
    ratio: int = 200  # unpacked / packed size of a DEFLATED member (JSON packs 5 to 20 times)
    image_pixels: int = 120_000_000  # checked when pictures are validated (content stage)
    image_side: int = 20_000


DEFAULT_LIMITS = Limits()
