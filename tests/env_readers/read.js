// Prints the variables Node's dotenv parses from the file given, as JSON.
const fs = require("fs");
const dotenv = require("dotenv");
process.stdout.write(JSON.stringify(dotenv.parse(fs.readFileSync(process.argv[2]))));
