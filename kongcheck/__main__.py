from kongcheck.cli import console

console()
