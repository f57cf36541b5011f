import { describe, expect, it } from "vitest";
import { clientNetwork, pickNetwork } from "./client-address.ts";

describe("clientNetwork", () => {
  it("keeps IPv4 addresses, including IPv4-mapped IPv6 ones", () => {
    expect(clientNetwork("203.0.113.7")).toBe("203.0.113.7");
    expect(clientNetwork("::ffff:203.0.113.7")).toBe("203.0.113.7");
  });

  it("groups IPv6 addresses by /64, however they are written", () => {
    const net = "2001:db8:1:2::/64";
    expect(clientNetwork("2001:db8:1:2::1")).toBe(net);
    expect(clientNetwork("2001:0db8:0001:0002:aaaa:bbbb:cccc:dddd")).toBe(net);
    expect(clientNetwork("2001:DB8:1:2:ffff::")).toBe(net);
    expect(clientNetwork("2001:db8:1:3::1")).not.toBe(net);
    expect(clientNetwork("::1")).toBe("0:0:0:0::/64");
  });

  it("passes through what is not an address", () => {
    expect(clientNetwork("local")).toBe("local");
  });
});

describe("pickNetwork", () => {
  it("groups IPv4 addresses by /24 and IPv6 ones by /64", () => {
    expect(pickNetwork("203.0.113.7")).toBe("203.0.113.0/24");
    expect(pickNetwork("::ffff:203.0.113.200")).toBe("203.0.113.0/24");
    expect(pickNetwork("203.0.114.7")).not.toBe("203.0.113.0/24");
    expect(pickNetwork("2001:db8:1:2::1")).toBe("2001:db8:1:2::/64");
    expect(pickNetwork("local")).toBe("local");
  });
});
