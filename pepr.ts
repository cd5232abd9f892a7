import { PeprModule } from "pepr";
import cfg from "./package.json";
import { Cheiron } from "./capabilities";
import { stripPeprStamp } from "./src/admission/patch";

new PeprModule(cfg, [Cheiron], { afterHook: res => stripPeprStamp(res) });
