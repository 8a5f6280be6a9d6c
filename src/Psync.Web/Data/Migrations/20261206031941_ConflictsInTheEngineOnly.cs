using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Psync.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ConflictsInTheEngineOnly : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // The rows mirrored each pair's conflicts.db, which stays the one store: nothing is lost.
            migrationBuilder.DropTable(
                name: "Conflicts");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Conflicts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ConflictCopy = table.Column<string>(type: "TEXT", nullable: false),
                    EngineId = table.Column<long>(type: "INTEGER", nullable: false),
                    LeftState = table.Column<string>(type: "TEXT", nullable: false),
                    Loser = table.Column<string>(type: "TEXT", nullable: false),
                    PairId = table.Column<int>(type: "INTEGER", nullable: false),
                    Path = table.Column<string>(type: "TEXT", nullable: false),
                    Resolved = table.Column<bool>(type: "INTEGER", nullable: false),
                    RightState = table.Column<string>(type: "TEXT", nullable: false),
                    Time = table.Column<DateTimeOffset>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Conflicts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Conflicts_PairId_EngineId",
                table: "Conflicts",
                columns: new[] { "PairId", "EngineId" },
                unique: true);
        }
    }
}
