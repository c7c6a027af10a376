"""cbec.synth."""
