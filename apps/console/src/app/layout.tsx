import type { Metadata } from "next";
import type { ReactNode } from "react";
import { TRPCReactProvider } from "../trpc/react.tsx";
import "./globals.css";

export const metadata: Metadata = {
  title: "Fleet console",
  description: "Operate a fleet of devices running quantized ML models.",
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
