"""Segmentation benchmark: `python -m bench.segmentation [--large]` (or `make bench-segmentation`).

1. Generates customers, households, visits and orders with their lines directly in PostgreSQL (INSERT ... SELECT over
   generate_series, in a separate database: BENCH_SEGMENTATION_DATABASE_URL, default
   postgres://postgres@127.0.0.1:5432/donggeu_bench_seg, created and migrated if missing). Default 100,000 customers
   and 1,000,000 order lines; `--large` 1,000,000 customers and 10,000,000 lines. Re-runs reuse data of the same size.
2. Times full segmentation runs in-process with eager Celery (the range tasks run one after the other), exactly the
   code a worker runs: the staged purchases, RFM breakpoints, household essentials, profiles per id range,
   memberships of eight segments, snapshots, the swap and the clean-up (not the essentials reminders: their own
   task, queued after the swap). Each range task is timed too, so the report also gives the wall time the same
   run would take with N workers computing ranges in parallel. On a shared machine the wall time grows with the
   load: the report adds the load average and, when PostgreSQL runs on this machine, the CPU seconds its backend
   spent on the run (load-independent).
3. Times the floor: one bare aggregate over the same order lines (orders joined, per customer: count, sum, max).
Prints the figures and writes bench/results/segmentation.json (`--large`: segmentation_large.json).
"""
