-- The notes app's tables. `init-db` runs this file: it starts from scratch.
DROP TABLE IF EXISTS note;
DROP TABLE IF EXISTS user;

CREATE TABLE user (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT UNIQUE NOT NULL,
  password TEXT NOT NULL  -- a salted hash, see passwords.py; never the password
);

CREATE TABLE note (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  author_id INTEGER NOT NULL REFERENCES user (id),
  created TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  title TEXT NOT NULL,
  body TEXT NOT NULL DEFAULT '',
  attachment TEXT  -- file name inside the uploads folder, or NULL
);
