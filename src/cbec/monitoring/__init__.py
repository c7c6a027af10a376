"""Payment monitoring: three-document matching, rules, anomaly and graph detectors."""
