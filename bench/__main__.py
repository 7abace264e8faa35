"""`make bench`: run every benchmark and print its figures."""

from bench import clustering_quality, ingest_pages

if __name__ == "__main__":
    ingest_pages.main()
    print()
    clustering_quality.main()
