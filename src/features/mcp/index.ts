/** The MCP server: its HTTP routes, and the server factory the stdio entry serves. */
export { MCP_PATH, mcpRoutes } from "./routes.ts";
export { createMcpServer, type McpServerDeps } from "./server.ts";
