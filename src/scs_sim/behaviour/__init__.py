"""What citizens do each step: speak or keep quiet, donate, break rules, cut ties, learn."""
