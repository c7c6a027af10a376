"""The monthly supervision report: build (data from the lake and the services) -> render (HTML/PDF, charts)."""
