"""`make bench`: run every benchmark and print its figures."""

from bench import (
    clustering_quality,
    clustering_speed,
    ingest_pages,
    quote_attribution,
    search_speed,
    site_speed,
    summary_quality,
)

if __name__ == "__main__":
    for benchmark in (ingest_pages, clustering_quality, clustering_speed, summary_quality, quote_attribution,
                      search_speed, site_speed):
        benchmark.main()
        print()
