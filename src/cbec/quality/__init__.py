"""Product quality: filings (备案) checked against standards, inspections, quality cases; consumer education reach."""
