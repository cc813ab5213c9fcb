"""Photos and documents as evidence: the content-addressed store, previews, renderings (Pillow).

- ``blobs``: originals kept byte for byte under their SHA-256 (staged, then committed by the
  service together with the database record), and the disposable cache of previews, thumbnails
  and renderings.
- ``imaging``: what a file is (by its bytes), its metadata (EXIF time, camera, GPS, displayed
  size), its 1600 px preview and 256 px thumbnail, and ``strip_location`` for exported copies.
- ``pipeline``: the import of many files in worker processes (bounded, cancellable, in order).
- ``render``: annotations burnt into a picture (redactions first, unrecoverable).

The package sits below storage and services and above the domain: it knows files and pixels,
never the database. Importing any of its modules does not import Pillow (the command line must
start without it); the functions that need Pillow import it themselves.
"""
