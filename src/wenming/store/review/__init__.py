"""Reports, cases, case decisions and appeals: tables, records, repository."""
