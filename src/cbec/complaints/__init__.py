"""Consumer protection: complaint intake, classification, routing, statutory deadlines, personal data protected."""
