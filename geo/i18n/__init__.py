"""Interface strings in English and French, number and date formats, French typography."""
