from kongcheck.cli import run

run()
