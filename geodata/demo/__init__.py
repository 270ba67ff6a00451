"""The Dongguan demo: real towns and census, synthetic entities (generate.py), loaded by geodata.load."""
