"""IP protection: listings screened against registered trademarks, image copies, takedown cases, IP risk."""
