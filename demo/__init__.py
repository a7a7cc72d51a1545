"""Demo content: the circulated draft minutes of OPSG meeting 25 (1 October
2019), which the public may be given, and the loader that writes them."""
