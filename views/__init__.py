"""The pages, one file each, run by ``app.py`` through ``st.navigation``: they only render
(no SQL, no file reading), through ``ui`` and the library's ``reporting`` and ``output``."""
