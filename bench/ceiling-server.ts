/**
 * The ceiling: a bare node:http server answering every request with one captured answer, the same
 * status, headers (in order) and body bytes, from memory. Date, Connection and Keep-Alive are left
 * to node:http, which writes them for the real server too. A request body is read to its end
 * first, as any server must. Arguments: the answer's JSON (status, rawHeaders), the body file, the port.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const [specFile, bodyFile, port] = process.argv.slice(2);
const spec = JSON.parse(readFileSync(specFile as string, "utf8")) as { status: number; rawHeaders: string[] };
const body = readFileSync(bodyFile as string);
const ownedByNode = new Set(["date", "connection", "keep-alive"]);
const headers: string[] = [];
for (let i = 0; i < spec.rawHeaders.length; i += 2) {
  if (!ownedByNode.has(spec.rawHeaders[i]!.toLowerCase()))
    headers.push(spec.rawHeaders[i]!, spec.rawHeaders[i + 1]!);
}

createServer((req, res) => {
  const answer = () => {
    res.writeHead(spec.status, headers);
    res.end(body);
  };
  if (req.headers["content-length"] || req.headers["transfer-encoding"]) {
    req.on("end", answer);
    req.resume();
  } else {
    answer();
  }
}).listen(Number(port), "127.0.0.1");
