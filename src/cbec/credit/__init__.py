"""Enterprise credit: credit files, scorecard, grades, red and black lists, credit repair, model versions."""
