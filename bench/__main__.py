"""`make bench`: run every benchmark and print its figures."""

from bench import ingest_pages

if __name__ == "__main__":
    ingest_pages.main()
