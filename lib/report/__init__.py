"""What turns results into the report: values glued into the Markdown, numbers as words, tables,
figures, the chapters' recorded results, provenance, model summaries and the verdict rules that
choose between the chapters' sentences."""
